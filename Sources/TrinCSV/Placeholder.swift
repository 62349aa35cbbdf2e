// Placeholder until the TrinCSV stage lands.
