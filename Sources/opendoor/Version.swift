extension OpenDoor {
    /// OpenDoor's version: what `opendoor --version` prints and `serve` logs when it starts. The one place it is
    /// written; change it here for a release.
    static let version = "0.14.0"
}
