import Testing
@testable import KlaxonCore
@testable import KlaxonTestSupport

/// Company ids of CDR rows become indices through a byte-keyed table; ids of
/// up to 16 bytes are compared as two words read from their ends.
@Suite struct CompanyTableTests {
    private func index(_ table: inout CompanyTable, _ text: String) -> Int32? {
        var bytes = Array(text.utf8)
        return bytes.withUnsafeMutableBufferPointer { table.index(of: CSVField(bytes: UnsafeBufferPointer($0))) }
    }

    @Test func idsThatDifferInAnyOneByteAreDifferentCompanies() {
        var table = CompanyTable(known: nil)
        var seen: [String: Int32] = [:]
        // Every length up to 20 (both sides of the 4-, 8- and 16-byte forms), each byte position changed.
        for length in 1...20 {
            let base = String((0..<length).map { Character(UnicodeScalar(UInt8(97 + $0 % 26))) })
            var variants = [base]
            for position in 0..<length {
                var bytes = Array(base.utf8)
                bytes[position] = UInt8(ascii: "Z")
                variants.append(String(decoding: bytes, as: UTF8.self))
            }
            for id in variants {
                let company = index(&table, id)
                #expect(company != nil)
                if let earlier = seen[id] { #expect(company == earlier) }
                seen[id] = company
            }
        }
        #expect(Set(seen.values).count == seen.count)
        #expect(table.count == seen.count)
        // Asked again, in another order: the same indices.
        for (id, company) in seen.sorted(by: { $0.key > $1.key }) { #expect(index(&table, id) == company, "\(id)") }
    }

    @Test func spellingsOfOneIdMeetAndBlankIdsNameNoCompany() {
        var table = CompanyTable(known: ["C1", "carrier-0000000000000042"])
        let c1 = index(&table, "C1")
        #expect(c1 != nil && index(&table, " C1") == c1 && index(&table, "C1\t") == c1)
        let long = index(&table, "carrier-0000000000000042")
        #expect(long != nil && long != c1 && index(&table, " carrier-0000000000000042 ") == long)
        #expect(index(&table, "") == nil && index(&table, "   ") == nil)
        #expect(table.known[Int(c1!)] && table.known[Int(long!)])
        let stranger = index(&table, "C2")
        #expect(stranger != nil && !table.known[Int(stranger!)])
    }
}
