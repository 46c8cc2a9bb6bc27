// Tollgate — Notify tests: the routing tree, inheritance, matching with continue, group keys.

import Model
import Notify
import Testing
import TollgateConfig

@Suite struct RouteTests {
    static let yaml = """
        route:
          receiver: default
          group_by: [alertname]
          group_wait: 10s
          routes:
            - matchers: ['severity="critical"']
              receiver: pager
              continue: true
              group_interval: 1m
              routes:
                - match: {env: prod}
                  group_by: ['...']
                - match_re: {env: "stag.*"}
                  group_by: []
                  receiver: staging
            - matchers: [team=~"db|web"]
              receiver: teams
              group_by: [team, alertname]
            - matchers: ['severity="critical"']
              receiver: audit
        receivers: [{name: default}, {name: pager}, {name: staging}, {name: teams}, {name: audit}]
        """

    func root() throws -> Route { Route(try AlertmanagerFile(yaml: Self.yaml, file: "am.yml").route) }

    @Test func inheritsOptionsDownTheTree() throws {
        let root = try root()
        #expect(root.options.receiver == "default")
        #expect(root.options.groupWait == PromDuration(milliseconds: 10_000))
        #expect(root.options.groupInterval == PromDuration(milliseconds: 300_000))
        #expect(root.options.repeatInterval == PromDuration(milliseconds: 14_400_000))
        let pager = root.routes[0]
        #expect(pager.options.groupInterval == PromDuration(milliseconds: 60_000))
        #expect(pager.options.groupWait == PromDuration(milliseconds: 10_000))
        let prod = pager.routes[0]
        #expect(prod.options.receiver == "pager")
        #expect(prod.options.groupByAll)
        // `group_by: []` inherits, as in Alertmanager.
        #expect(pager.routes[1].options.groupBy == ["alertname"])
        #expect(root.routes[1].options.groupBy == ["alertname", "team"])
    }

    @Test(arguments: [
        (["severity": "critical", "env": "prod"], ["pager", "audit"]),
        (["severity": "critical", "env": "staging", "team": "db"], ["staging", "teams"]),
        (["severity": "critical"], ["pager", "audit"]),
        (["team": "web"], ["teams"]),
        (["team": "webx"], ["default"]),
        ([:], ["default"]),
    ])
    func matchesWithContinue(labels: [String: String], receivers: [String]) throws {
        #expect(try root().match(Labels(labels)).map(\.options.receiver) == receivers)
    }

    @Test func buildsGroupKeysAsAlertmanager() throws {
        let root = try root()
        let alert = Labels(["alertname": "HighErrorRate", "severity": "critical", "env": "prod", "service": "checkout"])
        let routes = root.match(alert)
        #expect(routes[0].key == #"{}/{severity="critical"}/{env="prod"}"#)
        #expect(
            routes[0].groupKey(for: alert)
                == #"{}/{severity="critical"}/{env="prod"}:{alertname="HighErrorRate", env="prod", service="checkout", severity="critical"}"#)
        #expect(routes[1].groupKey(for: alert) == #"{}/{severity="critical"}:{alertname="HighErrorRate"}"#)
        #expect(root.groupKey(for: Labels(["x": "1"])) == "{}:{}")
        let staging = root.match(Labels(["severity": "critical", "env": "stage"]))[0]
        #expect(staging.key == #"{}/{severity="critical"}/{env=~"^(?:stag.*)$"}"#)
    }

    @Test func rendersTheTreeAsAmtool() throws {
        let text = RouteTree.show(try root())
        let nbsp = "\u{00A0}\u{00A0}"
        #expect(
            text == """
                Routing tree:
                .
                └── default-route  receiver: default
                    ├── {severity="critical"}  continue: true  receiver: pager
                    │\(nbsp) ├── {env="prod"}  receiver: pager
                    │\(nbsp) └── {env=~"^(?:stag.*)$"}  receiver: staging
                    ├── {team=~"db|web"}  receiver: teams
                    └── {severity="critical"}  receiver: audit


                """)
    }
}
