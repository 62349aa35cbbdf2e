// Placeholder until the TrinXML stage lands.
