/// The version of trin: in `--version`, the Prometheus textfile's `trin_build_info`, and
/// what known rows and kept metric sets were made by (a new version reads and computes anew).
public enum TrinVersion {
    public static let current = "0.3.0"
}
