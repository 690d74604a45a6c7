import ProcessesAPI

extension Components.Schemas.PrincipalCreate {
    /// The same principal in a response.
    var response: Components.Schemas.Principal { .init(id: id, _type: _type.rawValue) }
}
