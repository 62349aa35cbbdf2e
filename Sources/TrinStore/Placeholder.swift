// Placeholder until the TrinStore stage lands.
