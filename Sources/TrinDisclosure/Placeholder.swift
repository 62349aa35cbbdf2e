// Placeholder until the TrinDisclosure stage lands.
