// Tollgate — the wall clock loops take: the system's, and the one tests set by hand.

import Model
import TestSupport
import Testing

struct MillisecondClockTests {
    @Test func systemClockIsNearTheWallClock() {
        let now = SystemClock().now()
        #expect(now > 1_700_000_000_000)
        #expect(SystemClock().now() >= now)
    }

    @Test func manualClockMovesOnlyWhenTold() {
        let clock = ManualClock(1000)
        #expect(clock.now() == 1000)
        clock.advance(by: 500)
        #expect(clock.now() == 1500)
        clock.set(7)
        #expect(clock.now() == 7)
    }
}
