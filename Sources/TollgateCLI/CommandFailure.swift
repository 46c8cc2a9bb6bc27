// Tollgate — an error a command reports in one line, without the usage text.

/// A failure a command reports as `Error: <description>` alone: the arguments parsed, but a
/// value in them is wrong (a selector that does not parse, a file that cannot be read), so
/// the program's usage text would only hide the message.
struct CommandFailure: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) { self.description = description }
}
