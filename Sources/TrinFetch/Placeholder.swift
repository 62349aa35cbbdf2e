// Placeholder until the TrinFetch stage lands.
