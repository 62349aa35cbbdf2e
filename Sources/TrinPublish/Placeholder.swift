// Placeholder until the TrinPublish stage lands.
