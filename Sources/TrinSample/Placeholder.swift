// Placeholder until the TrinSample stage lands.
