// Tollgate — AlertDispatch: the Alertmanagers of one `alertmanagers` entry.

import Foundation
import Logging
import Model
import Relabel
import TollgateConfig

extension AlertDispatcher {
    /// The push URLs of an entry: each static or file-discovered target, relabeled with
    /// `__scheme__` and `__alerts_path__` set as Prometheus sets them
    /// (`scheme://address/path_prefix/api/v2/alerts`).
    static func urls(of config: AlertmanagerConfig, logger: Logger) -> [String] {
        var groups = config.staticConfigs
        for path in PathPattern.expand(config.fileSDConfigs.flatMap(\.files)) {
            do {
                groups += try TargetGroup.fileSD(String(contentsOfFile: path, encoding: .utf8), file: path)
            } catch {
                logger.warning("Alertmanager discovery file not read", metadata: ["file": "\(path)", "error": "\(error)"])
            }
        }
        let prefix = config.pathPrefix.hasSuffix("/") ? String(config.pathPrefix.dropLast()) : config.pathPrefix
        var urls: [String] = []
        for group in groups {
            for address in group.targets {
                var builder = LabelsBuilder(Labels(group.labels))
                builder["__address__"] = address
                builder["__scheme__"] = config.scheme
                builder["__alerts_path__"] = prefix + "/api/" + config.apiVersion + "/alerts"
                guard let labels = RelabelConfig.process(builder.labels, config.relabelConfigs), let host = labels["__address__"], !host.isEmpty
                else { continue }
                urls.append((labels["__scheme__"] ?? config.scheme) + "://" + host + (labels["__alerts_path__"] ?? "/api/v2/alerts"))
            }
        }
        return urls
    }
}
