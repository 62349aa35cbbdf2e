// Placeholder until the TrinPipeline stage lands.
