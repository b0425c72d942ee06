/// The function's logic, as the runtime loop sees it: bytes in, bytes or an error document out.
public protocol LambdaHandler {
    /// Called once per invocation, on the loop's thread. Blocks until all of the invocation's work is finished
    /// (Lambda freezes the process as soon as the answer is posted). Must not trap on any event.
    /// - Returns: the response body for `/invocation/{id}/response`, or the error document for `/invocation/{id}/error`.
    func handle(_ event: [UInt8], context: LambdaContext) -> Result<[UInt8], ErrorResponse>
}
