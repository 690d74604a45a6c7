import HTTPTypes
import OpenAPIRuntime

/// The signature every stage shares.
typealias NextStage = @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?)
