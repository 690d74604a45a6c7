import JSON

/// A JSON request body as BodyStage read it, for the stages after it.
enum ParsedBody {
    @TaskLocal static var json: JSONValue?
}
