using DompetKilat.Lending.Borrowers;
using DompetKilat.Lending.Loans;

namespace DompetKilat.Api.Loans;

/// <summary>The partner reference's loan body ("Pengajuan Pinjaman" success), field for field.</summary>
public sealed record LoanEntity(
    long Id,
    long BorrowerId,
    int ProductId,
    int State,
    string Status,
    string LoanCode,
    long Plafons,
    int Tenor,
    string TenorUnit,
    long Amount,
    string ContractNo,
    string? ContractDate,
    string Interest,
    DateTime UpdatedAt,
    DateTime CreatedAt,
    DateTime? DeletedAt)
{
    public static LoanEntity From(Loan loan) => new(
        loan.Id, loan.BorrowerId, loan.ProductId, (int)loan.Status, loan.Status.ToContractName(), loan.LoanCode,
        loan.Plafons, loan.Tenor, loan.TenorUnit, loan.Amount, loan.ContractNo,
        loan.ContractDate is { } date ? FieldRules.FormatContractDate(date) : null,
        loan.Interest, loan.UpdatedAt, loan.CreatedAt, loan.DeletedAt);
}
