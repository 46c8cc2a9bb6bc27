// Tollgate — refusals by a limit are logged once per cause: the first, then one line an interval.

import Testing

@testable import HTTPAPI

struct RejectionLogStateTests {
    @Test func theFirstRefusalOfEachReasonIsLoggedThenOneLinePerInterval() {
        var state = RejectionLogState(interval: .seconds(60))
        let start = ContinuousClock.now
        #expect(state.note("queue_full", at: start) == 0, "the first refusal is logged")
        #expect(state.note("queue_full", at: start + .seconds(1)) == nil)
        #expect(state.note("queue_full", at: start + .seconds(59)) == nil)
        #expect(state.note("max_samples", at: start + .seconds(2)) == 0, "another reason has its own line")
        // The interval has passed: logged, with the two refusals that were not.
        #expect(state.note("queue_full", at: start + .seconds(60)) == 2)
        #expect(state.note("queue_full", at: start + .seconds(61)) == nil)
        #expect(state.note("queue_full", at: start + .seconds(200)) == 1)
        #expect(state.note("max_samples", at: start + .seconds(3)) == nil)
    }
}
