using DompetKilat.Domain.Persistence;

namespace DompetKilat.CallbackWorker.Callbacks;

/// <summary>Wakes the worker the moment a callback is committed.</summary>
internal sealed class CallbackNotifications(IConfiguration configuration, ILogger<CallbackNotifications> logger)
    : Doorbell(LoanCallbackConfiguration.NotificationChannel, configuration, logger);
