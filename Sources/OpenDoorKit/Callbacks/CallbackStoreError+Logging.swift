extension CallbackStoreError {
    /// What a log line says of a store's failure: the code of a ``CallbackStoreError`` (`diskFull`, `locked`…), the
    /// type of any other error; never its message, which may name a path or repeat what a visitor typed.
    public static func logCode(of error: any Error) -> String {
        (error as? CallbackStoreError).map { "\($0.code)" } ?? "\(type(of: error))"
    }
}
