// Placeholder until the TrinPseudonym stage lands.
