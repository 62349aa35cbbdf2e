/// The citizen's benefit group (målgruppe), in canonical form.
public enum TargetGroup: String, CaseIterable, Sendable, Codable {
    case ressourceforloeb, jobafklaring, kontanthjaelp, uddannelseshjaelp, fleksjob, integration, sygedagpenge, other
}
