import Foundation
@testable import KlaxonCore

/// A temporary folder for one test, removed when the test ends.
final class Scratch {
    let path: String

    init() {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("klaxon-test-\(UUID().uuidString)").path
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    func url(_ relative: String) -> String { (path as NSString).appendingPathComponent(relative) }

    /// Writes a file as a settled export: modified an hour ago unless told otherwise.
    @discardableResult
    func write(_ relative: String, _ content: String, age: TimeInterval = 3_600) -> String {
        let p = url(relative)
        try? FileManager.default.createDirectory(atPath: (p as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: p, contents: Data(content.utf8))
        setAge(p, age)
        return p
    }

    func setAge(_ path: String, _ age: TimeInterval) {
        let t = Date().addingTimeInterval(-age)
        try? FileManager.default.setAttributes([.modificationDate: t], ofItemAtPath: path)
    }

    func read(_ relative: String) -> String? {
        FileManager.default.contents(atPath: url(relative)).map { String(decoding: $0, as: UTF8.self) }
    }

    /// Writes a job file and loads it, failing the test on any problem.
    func job(_ json5: String, name: String = "job.json5") throws -> Job {
        write(name, json5, age: 0)
        switch JobLoader.load(url(name)) {
        case .success(let job): return job
        case .failure(let error): throw error
        }
    }
}

func at(_ iso: String) -> Date {
    let f = ISO8601DateFormatter()
    return f.date(from: iso) ?? Date(timeIntervalSince1970: 0)
}

func epoch(_ iso: String) -> Int64 { Int64(at(iso).timeIntervalSince1970) }

let cdrHeader = "dt,callid,customer_id,provider_id,dest_number,duration,sip_code,pdd,customer_charge,provider_charge\n"
