// Tollgate — Notify tests: the API v2 codec against the bodies and answers of Alertmanager 0.25
// (the expected texts were read from Debian's prometheus-alertmanager).

import Model
import Notify
import Testing

struct APIv2CodecTests {
    static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }
    static func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    /// What Prometheus 2.42's notifier posts (Sources/AlertDispatch/AlertmanagerPayload.swift's shape).
    @Test func decodesWhatPrometheusSends() throws {
        let body = #"""
            [{"labels":{"alertname":"HighErrorRate","job":"api","severity":"critical"},"annotations":{"summary":"5% of requests fail"},"startsAt":"2023-11-14T22:13:20.25Z","endsAt":"2023-11-14T22:17:20.25Z","generatorURL":"http://prom:9090/graph?g0.expr=up+%3D%3D+0&g0.tab=1"},
             {"labels":{"alertname":"Down","instance":"a:9100"},"annotations":{},"startsAt":"2023-11-14T22:13:20Z","endsAt":"2023-11-14T22:13:50.123456789+01:00","generatorURL":""}]
            """#
        let alerts = try PostableAlerts.decode(Self.bytes(body)).get()
        #expect(alerts.count == 2)
        #expect(alerts[0].labels == Labels(["alertname": "HighErrorRate", "job": "api", "severity": "critical"]))
        #expect(alerts[0].annotations == Labels(["summary": "5% of requests fail"]))
        #expect(alerts[0].startsAt == 1_700_000_000_250)
        #expect(alerts[0].endsAt == 1_700_000_240_250)
        #expect(alerts[0].generatorURL == "http://prom:9090/graph?g0.expr=up+%3D%3D+0&g0.tab=1")
        #expect(alerts[1].endsAt == 1_700_000_030_123 - 3_600_000)
        #expect(alerts[1].generatorURL == "")
        #expect(alerts[1].timeout == false)
    }

    /// Missing and null times are 0, other keys are ignored, key case does not matter, `null` is no alert.
    @Test func decodesLeniently() throws {
        let alerts = try PostableAlerts.decode(Self.bytes(#"[{"labels":{"a":"b"},"startsAt":null,"extra":[1,{"x":2}]},{"LABELS":{"z":"1"}}] trailing"#)).get()
        #expect(alerts.map(\.labels) == [Labels(["a": "b"]), Labels(["z": "1"])])
        #expect(alerts.map(\.startsAt) == [0, 0])
        #expect(try PostableAlerts.decode(Self.bytes("null")).get().isEmpty)
        #expect(try PostableAlerts.decode(Self.bytes("[]")).get().isEmpty)
        // Invalid UTF-8 and lone surrogates become U+FFFD, as Go decodes them.
        let odd = try PostableAlerts.decode([UInt8](#"[{"labels":{"a":""#.utf8) + [0xFF] + [UInt8](#"","b":"\udc00x"}}]"#.utf8)).get()
        #expect(odd.first?.labels["a"] == "\u{FFFD}")
        #expect(odd.first?.labels["b"] == "\u{FFFD}x")
    }

    /// Each refusal with Alertmanager's status and body, as read from the real server.
    @Test(arguments: [
        (#"[{"annotations":{}}]"#, 422, #"{"code":602,"message":"0.labels in body is required"}"#),
        (#"[{"labels":null}]"#, 422, #"{"code":602,"message":"0.labels in body is required"}"#),
        ("", 422, #"{"code":602,"message":"alerts in body is required"}"#),
        ("   ", 422, #"{"code":602,"message":"alerts in body is required"}"#),
        (#"[{"generatorURL":"::x"}]"#, 422, #"{"code":601,"message":"0.generatorURL in body must be of type uri: \"::x\""}"#),
        (#"[{"labels":{"a":"b"},"generatorURL":"http://x/%zz"}]"#, 422, #"{"code":601,"message":"0.generatorURL in body must be of type uri: \"http://x/%zz\""}"#),
        (#"[{"labels":{"a":1}}]"#, 400, #"{"code":400,"message":"parsing alerts body from \"\" failed, because json: cannot unmarshal number into Go struct field Alert.labels of type string"}"#),
        (#"[{"labels":"x"}]"#, 400, #"{"code":400,"message":"parsing alerts body from \"\" failed, because json: cannot unmarshal string into Go struct field Alert.labels of type models.LabelSet"}"#),
        (#"[{"labels":{"a":"b"},"annotations":[]}]"#, 400, #"{"code":400,"message":"parsing alerts body from \"\" failed, because json: cannot unmarshal array into Go struct field .annotations of type models.LabelSet"}"#),
        (#"[{"labels":{"a":"b"},"generatorURL":5}]"#, 400, #"{"code":400,"message":"parsing alerts body from \"\" failed, because json: cannot unmarshal number into Go struct field Alert.generatorURL of type string"}"#),
        (#"[{"labels":{"a":"b"},"startsAt":5}]"#, 400, #"{"code":400,"message":"parsing alerts body from \"\" failed, because json: cannot unmarshal number into Go struct field .startsAt of type string"}"#),
        (#"[{"labels":{"a":"b"},"startsAt":"yesterday"}]"#, 400, #"{"code":400,"message":"parsing alerts body from \"\" failed, because parsing time \"yesterday\" as \"2006-01-02 15:04:05\": cannot parse \"yesterday\" as \"2006\""}"#),
        (#"[{"labels":{"a":"b"},"startsAt":"2026-12-04"}]"#, 400, #"{"code":400,"message":"parsing alerts body from \"\" failed, because parsing time \"2026-12-04\" as \"2006-01-02 15:04:05\": cannot parse \"\" as \"15\""}"#),
        (#"[{"labels":{"a":"b"},"endsAt":"2026-12-04T10:00:00+0200"}]"#, 400, #"{"code":400,"message":"parsing alerts body from \"\" failed, because parsing time \"2026-12-04T10:00:00+0200\" as \"2006-01-02 15:04:05\": cannot parse \"T10:00:00+0200\" as \" \""}"#),
        (#"[{"labels":{"a":"b"},"annotations":{"x":5}, "startsAt":"bad"}]"#, 400, #"{"code":400,"message":"parsing alerts body from \"\" failed, because parsing time \"bad\" as \"2006-01-02 15:04:05\": cannot parse \"bad\" as \"2006\""}"#),
        (#"{"labels":{"a":"b"}}"#, 400, #"{"code":400,"message":"parsing alerts body from \"\" failed, because json: cannot unmarshal object into Go value of type models.PostableAlerts"}"#),
        ("garbage", 400, #"{"code":400,"message":"parsing alerts body from \"\" failed, because invalid character 'g' looking for beginning of value"}"#),
        (#"[{"labels":{"a":"b"},}]"#, 400, #"{"code":400,"message":"parsing alerts body from \"\" failed, because invalid character '}' looking for beginning of object key string"}"#),
        (#"[{"labels":{"a":"b"}"#, 400, #"{"code":400,"message":"parsing alerts body from \"\" failed, because unexpected EOF"}"#),
        (#"[{"labels":{"a":tru}}]"#, 400, #"{"code":400,"message":"parsing alerts body from \"\" failed, because invalid character '}' in literal true (expecting 'e')"}"#),
        ("[1]", 400, #"{"code":400,"message":"parsing alerts body from \"\" failed, because json: cannot unmarshal number into Go value of type struct { Annotations models.LabelSet \"json:\\\"annotations,omitempty\\\"\"; EndsAt strfmt.DateTime \"json:\\\"endsAt,omitempty\\\"\"; StartsAt strfmt.DateTime \"json:\\\"startsAt,omitempty\\\"\" }"}"#),
    ])
    func refusesAsAlertmanager(body: String, status: Int, answer: String) {
        guard case .failure(let error) = PostableAlerts.decode(Self.bytes(body)) else {
            Issue.record("accepted \(body)")
            return
        }
        #expect(error.status == status, "\(body)")
        #expect(Self.text(error.body) == answer, "\(body)")
    }

    /// The handler's defaults and checks (the store's `post`, with 0.25's classic label
    /// names): valid alerts kept, the others named in one 400 text.
    @Test func preparesAsTheHandler() throws {
        let now: Int64 = 1_800_000_000_000
        let posted = try PostableAlerts.decode(
            Self.bytes(
                #"[{"labels":{"a":"1","empty":""}},{"labels":{"b":"2"},"endsAt":"2027-01-15T08:00:00Z"},{"labels":{}},{"labels":{"a b":"x"}},{"labels":{"c":"3"},"startsAt":"2026-12-04T10:00:00Z","endsAt":"2026-12-04T09:00:00Z"},{"labels":{"":"x"}}]"#
            )
        ).get()
        var store = AlertStore(resolveTimeout: 300_000)
        let (valid, problems) = store.post(posted, now: now, names: .classic)
        let error = problems.isEmpty ? nil : problems.joined(separator: "; ")
        #expect(valid.count == 2)
        #expect(valid[0].labels == Labels(["a": "1"]))
        #expect(valid[0].startsAt == now && valid[0].endsAt == now + 300_000 && valid[0].timeout && valid[0].updatedAt == now)
        #expect(valid[1].startsAt == valid[1].endsAt && !valid[1].timeout)
        #expect(
            error
                == #"at least one label pair required; invalid label set: invalid name "a b"; start time must be before end time; invalid label set: invalid name """#)
    }

    /// The ten layouts `strfmt.DateTime` tries, and Go's messages for the last one.
    @Test func readsTimesAsStrfmt() {
        let base: Int64 = 1_796_378_400_000  // 2026-12-04T10:00:00Z
        let accepted: [(String, Int64)] = [
            ("2026-12-04T10:00:00Z", base), ("2026-12-04T10:00:00.5Z", base + 500), ("2026-12-04 10:00:00", base),
            ("2026-12-04T10:00:00", base), ("2026-12-04T10:00:00.123+0200", base + 123 - 7_200_000),
            ("2026-12-04T10:00:00.123456789123Z", base + 123), ("2026-12-04T10:00Z", base), ("2026-12-04T10:00", base),
            ("2026-12-04T10:00:00-05:30", base + 19_800_000), ("2026-12-04T9:00:00Z", base - 3_600_000),
            ("0001-01-01T00:00:00Z", 0), ("", 0),
        ]
        for (text, ms) in accepted {
            #expect((try? GoDateTime.parse(text).get()) == ms, "\(text)")
        }
        let refused: [(String, String)] = [
            ("2026-12-04t10:00:00z", #"parsing time "2026-12-04t10:00:00z" as "2006-01-02 15:04:05": cannot parse "t10:00:00z" as " ""#),
            ("20261204T100000Z", #"parsing time "20261204T100000Z" as "2006-01-02 15:04:05": cannot parse "1204T100000Z" as "-""#),
            ("2026-12-04T10:00:00.Z", #"parsing time "2026-12-04T10:00:00.Z" as "2006-01-02 15:04:05": cannot parse "T10:00:00.Z" as " ""#),
            ("2026-02-30 10:00:00", #"parsing time "2026-02-30 10:00:00": day out of range"#),
            ("2026-12-04 24:00:00", #"parsing time "2026-12-04 24:00:00": hour out of range"#),
            ("2026-12-04 10:00:00x", #"parsing time "2026-12-04 10:00:00x": extra text: "x""#),
            ("2026-13-04 10:00:00", #"parsing time "2026-13-04 10:00:00": month out of range"#),
        ]
        for (text, message) in refused {
            guard case .failure(let error) = GoDateTime.parse(text) else {
                Issue.record("accepted \(text)")
                continue
            }
            #expect(error.description == message)
        }
    }

    static let silence =
        #"{"matchers":[{"name":"alertname","value":"A","isRegex":false},{"name":"env","value":"prod|stag.*","isRegex":true,"isEqual":false}],"startsAt":"2026-12-04T13:00:00Z","endsAt":"2027-01-01T00:00:00Z","createdBy":"me","comment":"deploy"}"#

    @Test func decodesSilences() throws {
        let now: Int64 = 1_796_000_000_000
        let silence = try PostableSilence.decode(Self.bytes(Self.silence), now: now).get()
        #expect(silence.id == "")
        #expect(silence.matchers.map(\.description) == [#"alertname="A""#, #"env!~"prod|stag.*""#])
        #expect(silence.startsAt == 1_796_389_200_000 && silence.endsAt == 1_798_761_600_000)
        #expect(silence.createdBy == "me" && silence.comment == "deploy")
        let update = try PostableSilence.decode(Self.bytes(#"{"id":"860e78f6-7b91-4f26-81fb-7a55e4893d15","# + Self.silence.dropFirst()), now: now).get()
        #expect(update.id == "860e78f6-7b91-4f26-81fb-7a55e4893d15")
    }

    @Test(arguments: [
        (#"{}"#, 422, #"{"code":602,"message":"comment in body is required"}"#),
        (#"{"comment":"c","createdBy":"me","endsAt":"2027-01-01T00:00:00Z","startsAt":"2026-12-04T13:00:00Z","matchers":[]}"#, 422, #"{"code":612,"message":"matchers in body should have at least 1 items"}"#),
        (#"{"comment":"c","createdBy":"me","endsAt":"2027-01-01T00:00:00Z","startsAt":"2026-12-04T13:00:00Z","matchers":[{"name":"a","value":"x"}]}"#, 422, #"{"code":602,"message":"matchers.0.isRegex in body is required"}"#),
        (#"{"comment":"c","createdBy":"me","endsAt":"2026-01-01T00:00:00Z","startsAt":"2026-12-04T13:00:00Z","matchers":[{"name":"a","value":"x","isRegex":false}]}"#, 400, "\"Failed to create silence: start time must be before end time\"\n"),
        (#"{"comment":"c","createdBy":"me","endsAt":"2026-01-01T00:00:00Z","startsAt":"2025-12-04T13:00:00Z","matchers":[{"name":"a","value":"x","isRegex":false}]}"#, 400, "\"Failed to create silence: end time can't be in the past\"\n"),
        (#"{"comment":"c","createdBy":"me","endsAt":"2027-01-01T00:00:00Z","startsAt":"2026-12-04T13:00:00Z","matchers":[{"name":"a","value":"","isRegex":false}]}"#, 400, "\"silence invalid: at least one matcher must not match the empty string\"\n"),
        (#"{"comment":"c","createdBy":"me","endsAt":"2027-01-01T00:00:00Z","startsAt":"2026-12-04T13:00:00Z","matchers":[{"name":"a","value":"(","isRegex":true}]}"#, 400, "\"silence invalid: invalid label matcher 0: invalid regular expression \\\"(\\\": error parsing regexp: missing closing ): `(`\"\n"),
        (#"{"comment":"c","createdBy":"me","endsAt":"2027-01-01T00:00:00Z","startsAt":"2026-12-04T13:00:00Z","matchers":[{"name":"a b","value":"x","isRegex":false}]}"#, 400, "\"silence invalid: invalid label matcher 0: invalid label name \\\"a b\\\"\"\n"),
        ("[]", 400, #"{"code":400,"message":"parsing silence body from \"\" failed, because json: cannot unmarshal array into Go value of type struct { ID string \"json:\\\"id,omitempty\\\"\" }"}"#),
    ])
    func refusesSilencesAsAlertmanager(body: String, status: Int, answer: String) {
        guard case .failure(let error) = PostableSilence.decode(Self.bytes(body), now: 1_796_000_000_000) else {
            Issue.record("accepted \(body)")
            return
        }
        #expect(error.status == status, "\(body)")
        #expect(Self.text(error.body) == answer, "\(body)")
    }

    /// The bytes Alertmanager 0.25 wrote for these alerts (times in UTC).
    @Test func encodesAlertsByteForByte() {
        let critical = NotifierAlert(
            labels: Labels(["alertname": "A", "severity": "critical", "instance": "i1"]), annotations: Labels(["summary": "s <b>"]),
            startsAt: 1_796_382_000_123, endsAt: 4_070_908_800_000, updatedAt: 1_796_391_034_416, generatorURL: "http://p/graph?g0.expr=up")
        let warning = NotifierAlert(
            labels: Labels(["alertname": "A", "severity": "warning", "instance": "i1"]), startsAt: 1_796_391_034_428, endsAt: 1_796_391_334_428,
            updatedAt: 1_796_391_034_428)
        let body = APIv2Encoder.gettableAlerts([
            .init(alert: warning, status: AlertStatus(state: .suppressed, inhibitedBy: ["498074676852febe"]), receivers: ["default"]),
            .init(alert: critical, status: AlertStatus(state: .active), receivers: ["pager"]),
        ])
        #expect(
            Self.text(body)
                == #"[{"annotations":{"summary":"s \u003cb\u003e"},"endsAt":"2099-01-01T00:00:00.000Z","fingerprint":"498074676852febe","receivers":[{"name":"pager"}],"startsAt":"2026-12-04T11:00:00.123Z","status":{"inhibitedBy":[],"silencedBy":[],"state":"active"},"updatedAt":"2026-12-04T13:30:34.416Z","generatorURL":"http://p/graph?g0.expr=up","labels":{"alertname":"A","instance":"i1","severity":"critical"}},{"annotations":{},"endsAt":"2026-12-04T13:35:34.428Z","fingerprint":"e867a025d7851ec5","receivers":[{"name":"default"}],"startsAt":"2026-12-04T13:30:34.428Z","status":{"inhibitedBy":["498074676852febe"],"silencedBy":[],"state":"suppressed"},"updatedAt":"2026-12-04T13:30:34.428Z","labels":{"alertname":"A","instance":"i1","severity":"warning"}}]"#
                    + "\n")
        let groups = APIv2Encoder.alertGroups(
            [
                AlertGroupSnapshot(labels: Labels(["alertname": "A"]), receiver: "pager", groupKey: "k2", alerts: [critical]),
                AlertGroupSnapshot(labels: Labels(["alertname": "A"]), receiver: "default", groupKey: "k1", alerts: [warning]),
                AlertGroupSnapshot(labels: Labels(), receiver: "default", groupKey: "k0", alerts: []),
            ],
            details: { ($0 == critical ? AlertStatus(state: .active) : AlertStatus(state: .suppressed), $0 == critical ? ["pager"] : ["default"]) })
        let text = Self.text(groups)
        #expect(text.hasPrefix(#"[{"alerts":[],"labels":{},"receiver":{"name":"default"}},{"alerts":[{"annotations":{},"#))
        #expect(text.hasSuffix(#""labels":{"alertname":"A","instance":"i1","severity":"critical"}}],"labels":{"alertname":"A"},"receiver":{"name":"pager"}}]"# + "\n"))
    }

    @Test func encodesSilencesReceiversAndStatus() throws {
        let now: Int64 = 1_796_391_166_479
        let active = Silence(
            id: "860e78f6-7b91-4f26-81fb-7a55e4893d15", matchers: [try LabelMatcher(.equal, "alertname", "A")], startsAt: now, endsAt: 1_798_761_600_000,
            updatedAt: now, createdBy: "me", comment: "c")
        let pending = Silence(
            id: "a274487c-6fbb-4961-b3f3-e99f6bc48a16", matchers: [try LabelMatcher(.notRegex, "alertname", "A.*")], startsAt: 1_827_925_200_000,
            endsAt: 1_830_297_600_000, updatedAt: now + 20, createdBy: "me", comment: "c")
        #expect(
            Self.text(APIv2Encoder.gettableSilences([pending, active], now: now))
                == #"[{"id":"860e78f6-7b91-4f26-81fb-7a55e4893d15","status":{"state":"active"},"updatedAt":"2026-12-04T13:32:46.479Z","comment":"c","createdBy":"me","endsAt":"2027-01-01T00:00:00.000Z","matchers":[{"isEqual":true,"isRegex":false,"name":"alertname","value":"A"}],"startsAt":"2026-12-04T13:32:46.479Z"},{"id":"a274487c-6fbb-4961-b3f3-e99f6bc48a16","status":{"state":"pending"},"updatedAt":"2026-12-04T13:32:46.499Z","comment":"c","createdBy":"me","endsAt":"2028-01-01T00:00:00.000Z","matchers":[{"isEqual":false,"isRegex":true,"name":"alertname","value":"A.*"}],"startsAt":"2027-12-04T13:00:00.000Z"}]"#
                    + "\n")
        #expect(Self.text(APIv2Encoder.postSilenceResponse(id: "860e78f6-7b91-4f26-81fb-7a55e4893d15")) == #"{"silenceID":"860e78f6-7b91-4f26-81fb-7a55e4893d15"}"# + "\n")
        #expect(Self.text(APIv2Encoder.receivers(["default", "pager", "db"])) == #"[{"name":"default"},{"name":"pager"},{"name":"db"}]"# + "\n")
        let status = APIv2Encoder.status(
            configYAML: "route:\n  receiver: default\n", startedAt: 1_796_391_023_592,
            version: .init(version: "0.25.0", revision: "0.25.0-1+b4", branch: "debian/sid", buildUser: "team+pkg-go@tracker.debian.org", buildDate: "20230409-09:50:43", goVersion: "go1.19.8"))
        #expect(
            Self.text(status)
                == #"{"cluster":{"peers":[],"status":"disabled"},"config":{"original":"route:\n  receiver: default\n"},"uptime":"2026-12-04T13:30:23.592Z","versionInfo":{"branch":"debian/sid","buildDate":"20230409-09:50:43","buildUser":"team+pkg-go@tracker.debian.org","goVersion":"go1.19.8","revision":"0.25.0-1+b4","version":"0.25.0"}}"#
                    + "\n")
        #expect(APIv2Encoder.dateTime(-1) == "1969-12-31T23:59:59.999Z")
    }

    @Test func filtersAlertsAndSilences() throws {
        let now: Int64 = 1_000_000
        let filter = try AlertFilter.parse([("filter", "severity=critical"), ("filter", "team=~\"db|web\""), ("receiver", "pag.*"), ("silenced", "no")]).get()
        let alert = NotifierAlert(labels: Labels(["severity": "critical", "team": "db"]), startsAt: 1, endsAt: now + 1)
        #expect(filter.admits(alert, status: AlertStatus(state: .active), receivers: ["default", "pager"], now: now))
        #expect(!filter.admits(alert, status: AlertStatus(state: .active), receivers: ["default"], now: now))
        #expect(!filter.admits(alert, status: AlertStatus(state: .suppressed, silencedBy: ["x"]), receivers: ["pager"], now: now))
        var resolved = alert
        resolved.endsAt = now - 1
        #expect(!filter.admits(resolved, status: AlertStatus(state: .active), receivers: ["pager"], now: now))
        // go-openapi's booleans: yes/1/t/on are true, anything else false, empty is the default.
        let flags = try AlertFilter.parse([("active", "maybe"), ("inhibited", "YES"), ("silenced", ""), ("unprocessed", "0")]).get()
        #expect(!flags.active && flags.inhibited && flags.silenced && !flags.unprocessed)
        #expect(!flags.admits(alert, status: AlertStatus(state: .active), receivers: [], now: now))
        // An empty-valued matcher is skipped when the label is absent (=) or present (!=).
        let empty = try AlertFilter.parse([("filter", "missing=\"\""), ("filter", "team!=\"\"")]).get()
        #expect(empty.matchesFilter(Labels(["team": "db"])))
        // Silences: each filter matcher must be one of the silence's.
        let silence = Silence(id: "s", matchers: [try LabelMatcher(.equal, "alertname", "A"), try LabelMatcher(.regex, "env", "prod")], startsAt: 0, endsAt: 1, updatedAt: 0, createdBy: "", comment: "")
        #expect(try AlertFilter.parse([("filter", "alertname=A")]).get().admits(silence))
        #expect(try !AlertFilter.parse([("filter", "env=prod")]).get().admits(silence))
    }

    @Test(arguments: [
        ("filter", "alertname=\"A", "\"matcher value contains unescaped double quote: \\\"A\"\n"),
        ("filter", "{alertname=\"A\"}", "\"bad matcher format: {alertname=\\\"A\\\"}\"\n"),
        ("filter", "a~b", "\"bad matcher format: a~b\"\n"),
        ("receiver", "(", "\"failed to parse receiver param: error parsing regexp: missing closing ): `^(?:()$`\"\n"),
    ])
    func refusesBadFilters(name: String, value: String, answer: String) {
        guard case .failure(let error) = AlertFilter.parse([(name, value)]) else {
            Issue.record("accepted \(value)")
            return
        }
        #expect(error.status == 400)
        #expect(Self.text(error.body) == answer)
    }

    /// Hostile bodies are refused with a 4xx, never accepted or crashing.
    @Test func hostileBodies() {
        let deep = String(repeating: "[", count: 100_000)
        let bodies: [[UInt8]] = [
            Self.bytes(deep), Self.bytes("[{\"labels\":" + String(repeating: "{\"a\":", count: 5000)), (0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 31) },
            Self.bytes("[\"\\ud800\\u"), Self.bytes("[-"), Self.bytes("[1e"), Self.bytes("[\"\u{01}\"]"), [0xEF, 0xBB, 0xBF] + Self.bytes("[]"),
        ]
        for body in bodies {
            guard case .failure(let error) = PostableAlerts.decode(body) else {
                Issue.record("accepted \(body.prefix(20))")
                continue
            }
            #expect((400..<500).contains(error.status))
            guard case .failure(let silenceError) = PostableSilence.decode(body, now: 0) else {
                Issue.record("accepted silence \(body.prefix(20))")
                continue
            }
            #expect((400..<500).contains(silenceError.status))
        }
        if case .failure(let error) = PostableAlerts.decode(Self.bytes(deep)) {
            #expect(error.message.hasSuffix("invalid character '[' exceeded max depth"))
        }
    }
}
