using DompetKilat.Lending.Data;

namespace DompetKilat.CallbackWorker.Notifications;

/// <summary>Wakes the dispatcher the moment an event is committed or redelivered; its sweep covers anything missed.</summary>
internal sealed class PartnerEventNotifications(IConfiguration configuration, ILogger<PartnerEventNotifications> logger)
    : Doorbell(PartnerEventConfiguration.NotificationChannel, configuration, logger);
