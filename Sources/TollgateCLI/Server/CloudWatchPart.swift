// Tollgate — the CloudWatch part: the `cloudwatch:` jobs polled in-process.

import ArgumentParser
import CloudWatch
import CurlHTTP
import Logging
import Model
import ServiceLifecycle
import Storage
import TollgateConfig

/// `serve`'s CloudWatch flags.
struct CloudWatchFlags: ParsableArguments {
    @Option(
        name: .customLong("cloudwatch.concurrency"),
        help: ArgumentHelp("Most CloudWatch polls (one job in one region each) running at once (YACE's -cloudwatch-concurrency).", valueName: "N"))
    var concurrency = 5

    /// The part polling every configuration's `cloudwatch:` jobs into `storage`.
    func part(storage: any Appendable) throws -> CloudWatchPart {
        let client = CloudWatchClient(http: try HTTPClient())
        let poller = CloudWatchPoller(
            jobs: [], client: client, storage: storage, logger: Logger(label: "tollgate.cloudwatch"), concurrency: max(1, concurrency))
        return CloudWatchPart(poller: poller)
    }
}

/// CloudWatch: the poller's loop, and each configuration's `cloudwatch:` jobs (a reload
/// polls a changed job at once and keeps the others' schedule).
struct CloudWatchPart: ServerPart {
    let poller: CloudWatchPoller
    var name: String { "cloudwatch" }
    var services: [any Service] { [poller] }

    func prepare(_ config: TollgateConfig) async throws -> ReloadStep? {
        let poller = poller, jobs = config.cloudwatch
        return ReloadStep { await poller.apply(jobs) }
    }
}
