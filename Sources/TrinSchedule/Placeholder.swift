// Placeholder until the TrinSchedule stage lands.
