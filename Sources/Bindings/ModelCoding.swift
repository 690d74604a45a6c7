import Foundation
import JSON
import ProcessesAPI

/// The generated API models <-> ``JSONValue``: what a script gives becomes a
/// typed request, what the API answers becomes plain Lua tables. Both go
/// through the models' own Codable conformances, so the wire format has one
/// definition (openapi.yaml).
enum ModelCoding {
    /// The JSON of an answer.
    static func json<T: Encodable>(_ model: T) -> JSONValue {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        do {
            return try JSONValue(parsing: encoder.encode(model))
        } catch {
            // The models encode to JSON by construction.
            preconditionFailure("an API model did not encode to JSON: \(error)")
        }
    }

    /// The model of a request body already checked against its schema.
    static func model<T: Decodable>(_ type: T.Type, from json: JSONValue, field: String) throws(ScriptError) -> T {
        do {
            return try JSONDecoder().decode(T.self, from: Data(json.encodedBytes()))
        } catch {
            throw ScriptError(
                ValidationError(code: .invalidValue, field: field, message: "does not fit the API's schema (\(error))"))
        }
    }
}
