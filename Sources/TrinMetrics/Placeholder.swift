// Placeholder until the TrinMetrics stage lands.
