// Placeholder until the TrinMapping stage lands.
