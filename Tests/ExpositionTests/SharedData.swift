// Tollgate — Exposition tests: this target's own fixtures.

import Foundation
import TestSupport

extension SharedData {
    /// Files of this test target (fixtures under Oracle/).
    static func fixture(_ path: String) -> URL {
        repositoryRoot.appendingPathComponent("Tests/ExpositionTests").appendingPathComponent(path)
    }
}
