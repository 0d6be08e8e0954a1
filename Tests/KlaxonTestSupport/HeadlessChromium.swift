import Foundation

/// Debian's chromium, run headless to take a screenshot of a page, as the report tests do.
enum HeadlessChromium {
    static let path = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first { FileManager.default.isExecutableFile(atPath: $0) }

    /// A screenshot of the local page `html` at `width`×`height`, written to `png`; the
    /// browser's exit status and the PNG's bytes (empty when it wrote none).
    static func screenshot(_ html: String, to png: String, width: Int, height: Int, profile: String) throws -> (status: Int32, png: Data) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path ?? "")
        process.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--window-size=\(width),\(height)",
                             "--user-data-dir=\(profile)", "--screenshot=\(png)", "file://\(html)"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return (process.terminationStatus, (try? Data(contentsOf: URL(fileURLWithPath: png))) ?? Data())
    }

    /// A PNG's width and height, from its IHDR header.
    static func size(ofPNG data: Data) -> (width: Int, height: Int)? {
        guard data.count >= 24, data.starts(with: [0x89, 0x50, 0x4E, 0x47]) else { return nil }
        let bytes = [UInt8](data.prefix(24))
        return (bytes[16..<20].reduce(0) { $0 << 8 | Int($1) }, bytes[20..<24].reduce(0) { $0 << 8 | Int($1) })
    }
}
