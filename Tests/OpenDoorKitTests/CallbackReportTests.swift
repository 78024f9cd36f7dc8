import Foundation
import OpenDoorKit
import Testing

@Suite("Callback reports for staff")
struct CallbackReportTests {
    static let phone = PhoneNumber(e164: "+14705550123")!

    static func request(
        id: Int64,
        name: String?,
        minutesAfterEpoch: Double = 0,
        reference: String = "K7M-3QP",
        phone: PhoneNumber = phone,
        bestTimeSaid: String? = nil,
        voicemail: VoicemailPreference = .allowed
    ) -> CallbackRequest {
        CallbackRequest(
            id: id,
            reference: reference,
            created: Date(timeIntervalSince1970: 1_741_096_800 + minutesAfterEpoch * 60),  // 2025-03-04 14:00 UTC
            name: name,
            phone: phone,
            bestTime: .morning,
            voicemail: voicemail,
            channel: .web,
            status: .new,
            bestTimeSaid: bestTimeSaid
        )
    }

    @Test(
        "sanitize removes terminal escapes and control characters",
        arguments: [
            ("\u{1B}[31mBob\u{1B}]0;x\u{07}", "Bob"),
            ("\u{1B}[1;31;40mRed\u{1B}[0m", "Red"),
            ("Bob\u{1B}]0;pwned title\u{1B}\\", "Bob"),
            ("\u{1B}]8;;http://evil.example\u{07}link\u{1B}]8;;\u{07}", "link"),
            ("Sam\u{1B}[2J\u{1B}[H", "Sam"),
            ("\u{1B}PdcsPayload\u{1B}\\Ann", "Ann"),
            ("\u{1B}_apc\u{07}Ann", "Ann"),
            ("Ann\u{1B}]0;never ends", "Ann"),
            ("Ann\u{1B}", "Ann"),
            ("\u{1B}(BAnn", "Ann"),
            ("\u{1B}cAnn", "Ann"),
            ("\u{9B}31mAnn", "Ann"),
            ("\u{9D}0;title\u{9C}Ann", "Ann"),
            ("Ann\u{08}\u{08}\u{08}Bob", "AnnBob"),
            ("A\u{00}n\u{7F}n", "Ann"),
            ("Mary\nJane\r\nDoe\tJr", "Mary Jane Doe Jr"),
            ("  spaced   out  ", "spaced out"),
            ("evil\u{202E}txt.exe", "eviltxt.exe"),
            ("zero\u{200B}width", "zerowidth"),
            ("José 👩‍👩‍👧 Zoë", "José 👩‍👩‍👧 Zoë"),
        ]
    )
    func sanitize(input: String, expected: String) {
        #expect(CallbackReport.sanitize(input) == expected)
    }

    @Test("the table is aligned, newest first, and sanitized")
    func table() {
        let requests = [
            Self.request(id: 1, name: "\u{1B}[31mBob\u{1B}]0;x\u{07}", minutesAfterEpoch: 0, reference: "BBB-BBB"),
            Self.request(id: 2, name: nil, minutesAfterEpoch: 65, reference: "CCC-CCC"),
            Self.request(id: 3, name: "Alexandria", minutesAfterEpoch: 30, reference: "DDD-DDD"),
        ]
        let table = CallbackReport.table(requests)
        let lines = table.split(separator: "\n").map(String.init)
        #expect(lines.count == 4)
        #expect(lines[0].hasPrefix("REFERENCE  CREATED (UTC)"))
        #expect(lines[1].hasPrefix("CCC-CCC    2025-03-04 15:05"))
        #expect(lines[2].hasPrefix("DDD-DDD    2025-03-04 14:30  Alexandria"))
        #expect(lines[3].hasPrefix("BBB-BBB    2025-03-04 14:00  Bob "))
        #expect(!table.contains("\u{1B}") && !table.contains("\u{07}"))
        // Every column starts at the same place on every line.
        let phoneColumn = lines.map { $0.range(of: "(470)")?.lowerBound.utf16Offset(in: $0) }
        #expect(Set(phoneColumn.dropFirst()).count == 1)
        #expect(lines[0].range(of: "PHONE")?.lowerBound.utf16Offset(in: lines[0]) == phoneColumn[1])
        #expect(CallbackReport.table([]) == "No callback requests.\n")
    }

    @Test("the table cuts long names and lines up wide characters")
    func tableWidths() {
        let requests = [
            Self.request(id: 1, name: String(repeating: "x", count: 80), reference: "BBB-BBB"),
            Self.request(id: 2, name: "山田", minutesAfterEpoch: 1, reference: "CCC-CCC"),
        ]
        let lines = CallbackReport.table(requests).split(separator: "\n").map(String.init)
        #expect(lines[2].contains(String(repeating: "x", count: 23) + "…"))
        #expect(!lines[2].contains(String(repeating: "x", count: 25)))
        // "山田" is 4 columns wide: the phone column after it starts at the same column.
        let short = lines[1].components(separatedBy: "(470)")[0]
        let long = lines[2].components(separatedBy: "(470)")[0]
        #expect(short.count + 2 == long.count)
    }

    @Test("the table shows another time zone when asked")
    func tableTimeZone() throws {
        let newYork = try #require(TimeZone(identifier: "America/New_York"))
        let table = CallbackReport.table([Self.request(id: 1, name: "Sam")], timeZone: newYork)
        #expect(table.contains("CREATED (America/New_York)"))
        #expect(table.contains("2025-03-04 09:00"))
    }

    @Test("CSV follows RFC 4180 and guards against formulas")
    func csv() {
        let requests = [
            Self.request(id: 1, name: "=HYPERLINK(\"http://evil.example\",\"x\")", reference: "BBB-BBB"),
            Self.request(id: 2, name: "Smith, \"Jo\"", minutesAfterEpoch: 1, reference: "CCC-CCC"),
            Self.request(id: 3, name: "+1-555", minutesAfterEpoch: 2, reference: "DDD-DDD"),
            Self.request(id: 4, name: "@SUM(A1)", minutesAfterEpoch: 3, reference: "FFF-FFF"),
            Self.request(id: 5, name: "-2+3", minutesAfterEpoch: 4, reference: "GGG-GGG"),
            Self.request(id: 6, name: "\u{1B}[31m=cmd\u{1B}[0m", minutesAfterEpoch: 5, reference: "HHH-HHH"),
            Self.request(id: 7, name: nil, minutesAfterEpoch: 6, reference: "JJJ-JJJ"),
        ]
        let csv = CallbackReport.csv(requests)
        let lines = csv.components(separatedBy: "\r\n")
        #expect(lines.last == "")  // every record ends with CRLF
        #expect(lines[0] == "reference,created,name,phone,best_time,voicemail_ok,channel,status,best_time_said,voicemail,best_day,crisis_in_chat,backup_phone")
        #expect(lines[1] == "JJJ-JJJ,2025-03-04T14:06:00Z,,(470) 555-0123,morning,yes,web,new,,yes,,no,")
        #expect(lines[2] == "HHH-HHH,2025-03-04T14:05:00Z,'=cmd,(470) 555-0123,morning,yes,web,new,,yes,,no,")
        #expect(lines[3].contains(",'-2+3,"))
        #expect(lines[4].contains(",'@SUM(A1),"))
        #expect(lines[5].contains(",'+1-555,"))
        #expect(lines[6].contains(#","Smith, ""Jo""","#))
        #expect(lines[7].contains(#","'=HYPERLINK(""http://evil.example"",""x"")","#))
        #expect(!csv.contains("\u{1B}"))
        #expect(CallbackReport.csv([]) == "reference,created,name,phone,best_time,voicemail_ok,channel,status,best_time_said,voicemail,best_day,crisis_in_chat,backup_phone\r\n")
    }

    @Test("A second number to try is in the table, the CSV and the JSON; none is a dash, empty, null")
    func backupPhone() {
        var offered = Self.request(id: 1, name: "Sam", reference: "BBB-BBB")
        offered.backupPhone = PhoneNumber.parse("706 555 0999")
        let plain = Self.request(id: 2, name: "Jo", minutesAfterEpoch: 1, reference: "CCC-CCC")
        let table = CallbackReport.table([offered, plain])
        #expect(table.contains("BACKUP PHONE"))
        #expect(table.contains("(706) 555-0999"))
        let csv = CallbackReport.csv([offered, plain]).components(separatedBy: "\r\n")
        #expect(csv[1].hasSuffix(",no,"))
        #expect(csv[2].hasSuffix(",no,(706) 555-0999"))
        let json = CallbackReport.json([offered, plain])
        #expect(json.contains("\"e164\" : \"+17065550999\""))
        #expect(json.contains("\"backupPhone\" : null"))
    }

    @Test("JSON has every field, null for no name, sanitized names, newest first")
    func json() throws {
        let requests = [
            Self.request(id: 1, name: "\u{1B}[31mBob\u{1B}]0;x\u{07}", reference: "BBB-BBB"),
            Self.request(
                id: 2,
                name: nil,
                minutesAfterEpoch: 1,
                reference: "CCC-CCC",
                phone: PhoneNumber(e164: "+17065550199", extensionDigits: "12")!
            ),
        ]
        let json = CallbackReport.json(requests)
        let decoded = try #require(JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]])
        #expect(decoded.count == 2)
        #expect(decoded[0]["reference"] as? String == "CCC-CCC")
        #expect(decoded[0]["name"] is NSNull)
        let phone = try #require(decoded[0]["phone"] as? [String: Any])
        #expect(phone["e164"] as? String == "+17065550199")
        #expect(phone["extension"] as? String == "12")
        #expect(phone["display"] as? String == "(706) 555-0199 ext. 12")
        #expect(decoded[1]["name"] as? String == "Bob")
        #expect(decoded[1]["created"] as? String == "2025-03-04T14:00:00Z")
        #expect(decoded[1]["bestTime"] as? String == "morning")
        #expect(decoded[1]["voicemailOK"] as? Bool == true)
        #expect(decoded[1]["channel"] as? String == "web")
        #expect(decoded[1]["status"] as? String == "new")
        #expect(decoded[1]["id"] as? Int == 1)
        #expect(!json.contains("\\u001b") && !json.contains("\u{1B}"))
        let empty = try JSONSerialization.jsonObject(with: Data(CallbackReport.json([]).utf8)) as? [Any]
        #expect(empty?.isEmpty == true)
    }

    @Test("Every export tells the three voicemail choices apart; voicemail_ok stays yes only for the first")
    func voicemailChoices() throws {
        let requests = [
            Self.request(id: 1, name: "Ana", reference: "AAA-AAA", voicemail: .allowed),
            Self.request(id: 2, name: "Bo", minutesAfterEpoch: 1, reference: "BBB-BBB", voicemail: .discreet),
            Self.request(id: 3, name: "Cy", minutesAfterEpoch: 2, reference: "CCC-CCC", voicemail: .noVoicemail),
        ]
        let lines = CallbackReport.csv(requests).components(separatedBy: "\r\n")
        #expect(lines[1].hasPrefix("CCC-CCC") && lines[1].hasSuffix(",no,web,new,,none,,no,"))
        #expect(lines[2].hasPrefix("BBB-BBB") && lines[2].hasSuffix(",no,web,new,,discreet,,no,"))
        #expect(lines[3].hasPrefix("AAA-AAA") && lines[3].hasSuffix(",yes,web,new,,yes,,no,"))
        let decoded = try #require(
            JSONSerialization.jsonObject(with: Data(CallbackReport.json(requests).utf8)) as? [[String: Any]])
        #expect(decoded.map { $0["voicemail"] as? String } == ["none", "discreet", "yes"])
        #expect(decoded.map { $0["voicemailOK"] as? Bool } == [false, false, true])
        let table = CallbackReport.table(requests, timeZone: TimeZone(identifier: "UTC")!)
        let rows = table.split(separator: "\n")
        #expect(rows.first { $0.hasPrefix("CCC-CCC") }?.contains("  none  ") == true)
        #expect(rows.first { $0.hasPrefix("BBB-BBB") }?.contains("  discreet only  ") == true)
        #expect(rows.first { $0.hasPrefix("AAA-AAA") }?.contains("  yes  ") == true)
    }

    @Test("Exports keep the best time as the visitor said it, sanitized, beside the normalized part")
    func bestTimeSaid() throws {
        let said = Self.request(id: 1, name: "Sam", bestTimeSaid: "after 5 on weekdays, \u{1B}[31mnot fridays")
        let picked = Self.request(id: 2, name: "Jo", minutesAfterEpoch: 1, reference: "CCC-CCC")
        let lines = CallbackReport.csv([said, picked]).components(separatedBy: "\r\n")
        #expect(lines[1].hasSuffix(",new,,yes,,no,"))
        #expect(lines[2].hasSuffix(#",new,"after 5 on weekdays, not fridays",yes,,no,"#))
        let decoded = try #require(
            JSONSerialization.jsonObject(with: Data(CallbackReport.json([said, picked]).utf8)) as? [[String: Any]]
        )
        #expect(decoded[0]["bestTimeSaid"] is NSNull)
        #expect(decoded[1]["bestTimeSaid"] as? String == "after 5 on weekdays, not fridays")
        #expect(CallbackReport.table([said]).contains("after 5 on weekdays, not fridays (morning)"))
    }

    @Test("A day the visitor named (“tomorrow around 4ish”) is shown as the date it stands for, counted from the save")
    func bestDayInExports() throws {
        // Created 2025-03-04 14:00 UTC, a Tuesday.
        let tomorrow = Self.request(id: 1, name: "Ana", reference: "AAA-AAA", bestTimeSaid: "tomorrow around 4ish")
        let weekly = Self.request(id: 2, name: "Bo", minutesAfterEpoch: 1, reference: "BBB-BBB", bestTimeSaid: "mondays")
        let utc = try #require(TimeZone(identifier: "UTC"))
        let lines = CallbackReport.csv([tomorrow, weekly], dayTimeZone: utc).components(separatedBy: "\r\n")
        #expect(lines[1].hasPrefix("BBB-BBB") && lines[1].hasSuffix(",mondays,yes,,no,"))
        #expect(lines[2].hasPrefix("AAA-AAA") && lines[2].hasSuffix(",tomorrow around 4ish,yes,2025-03-05,no,"))
        let decoded = try #require(
            JSONSerialization.jsonObject(with: Data(CallbackReport.json([tomorrow, weekly], dayTimeZone: utc).utf8))
                as? [[String: Any]])
        #expect(decoded[0]["bestDay"] is NSNull)
        #expect(decoded[1]["bestDay"] as? String == "2025-03-05")
        let table = CallbackReport.table([tomorrow], dayTimeZone: utc)
        #expect(table.contains("tomorrow around 4ish (morning, Wed Mar 5)"))
    }
}
