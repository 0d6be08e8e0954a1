import CCurl
import Foundation

// The only file that touches libcurl handles. Everything that libcurl keeps a
// pointer to (error buffer, lists, callback context boxes) is owned by one
// CurlEasy instance and released in its deinit, after curl_easy_cleanup, so
// libcurl can never see freed memory. A CurlEasy is used by one call, or by
// one run's messages in turn (`reset`), on one thread: it is deliberately not Sendable.

/// Runs curl_global_init exactly once per process.
package enum CurlGlobal {
    // Why a static let: Swift runs a static initialiser once, behind swift_once,
    // even when many threads reach it together. curl_global_init must run before
    // the first easy handle and, on some libcurl builds, is not itself thread-safe,
    // so it must never run twice at once. This is the transport layer's only
    // process-wide state, and it never changes after it is set.
    private static let initCode: CURLcode = curl_global_init(klaxon_curl_global_default_flags())

    package static func ensureInitialized() throws(DeliveryError) {
        guard initCode == CURLE_OK else {
            throw DeliveryError(
                kind: .internalFailure,
                message: "libcurl could not be initialised (curl_global_init failed)",
                curlCode: Int(initCode.rawValue),
                curlDetail: String(cString: curl_easy_strerror(initCode))
            )
        }
    }
}

/// A failed curl_easy_perform, with everything known about why.
package struct CurlFailure: Error {
    package let code: CURLcode
    /// curl's error buffer text, or curl_easy_strerror when the buffer was empty.
    package let detail: String
    /// The last SMTP/HTTP reply code, if any reply arrived.
    package let responseCode: Int?
    /// The last line the server sent (SMTP replies), printable ASCII only.
    package let lastServerReply: String?

    package var curlCode: Int { Int(code.rawValue) }

    /// A protocol-neutral classification; the transports refine it with reply codes.
    package var kind: DeliveryError.Kind {
        switch code {
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY, CURLE_COULDNT_CONNECT:
            return .connectionFailed
        case CURLE_OPERATION_TIMEDOUT:
            return .timedOut
        case CURLE_USE_SSL_FAILED:
            return .tlsUnavailable
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM,
             CURLE_SSL_CIPHER, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_CRL_BADFILE,
             CURLE_SSL_PINNEDPUBKEYNOTMATCH, CURLE_SSL_INVALIDCERTSTATUS, CURLE_SSL_ENGINE_NOTFOUND,
             CURLE_SSL_ENGINE_SETFAILED, CURLE_SSL_ENGINE_INITFAILED, CURLE_SSL_SHUTDOWN_FAILED:
            return .tlsFailed
        case CURLE_LOGIN_DENIED, CURLE_AUTH_ERROR:
            return .authenticationFailed
        case CURLE_UNSUPPORTED_PROTOCOL, CURLE_URL_MALFORMAT:
            return .invalidRequest
        case CURLE_OUT_OF_MEMORY, CURLE_FAILED_INIT, CURLE_NOT_BUILT_IN, CURLE_UNKNOWN_OPTION,
             CURLE_FUNCTION_NOT_FOUND, CURLE_BAD_FUNCTION_ARGUMENT, CURLE_READ_ERROR, CURLE_ABORTED_BY_CALLBACK:
            return .internalFailure
        default:
            // SEND/RECV errors, GOT_NOTHING, WEIRD_SERVER_REPLY, PARTIAL_FILE and the rest.
            return .connectionLost
        }
    }
}

package final class CurlEasy {
    private let handle: UnsafeMutableRawPointer
    /// CURLOPT_ERRORBUFFER: libcurl writes into it during perform, so it lives as long as the handle.
    private let errorBuffer: UnsafeMutablePointer<CChar>
    private let errorBufferSize: Int
    /// MAIL_RCPT / HTTPHEADER lists: libcurl does not copy them, so they live as long as the handle.
    private var lists: [UnsafeMutablePointer<curl_slist>] = []
    // Callback context boxes. libcurl gets unretained pointers to them; these
    // strong references keep them alive until deinit has cleaned up the handle.
    private var uploadSource: UploadSource?
    private var bodySink = ResponseBodySink(limit: 0, stopsAtLimit: false)
    private var replyLog: ServerReplyLog?

    package init() throws(DeliveryError) {
        try CurlGlobal.ensureInitialized()
        guard let handle = curl_easy_init() else {
            throw DeliveryError(kind: .internalFailure, message: "libcurl could not create a transfer handle (out of memory?)")
        }
        self.handle = handle
        errorBufferSize = klaxon_curl_error_size() + 1
        errorBuffer = .allocate(capacity: errorBufferSize)
        errorBuffer.initialize(repeating: 0, count: errorBufferSize)

        try setDefaults()
    }

    /// What every transfer starts with, on a new handle and after `reset`.
    private func setDefaults() throws(DeliveryError) {
        try setPointer(CURLOPT_ERRORBUFFER, UnsafeMutableRawPointer(errorBuffer))
        // No signals: Klaxon sends from several threads, and libcurl's SIGALRM-based
        // resolver timeout is not thread-safe. Debian's libcurl uses the threaded
        // resolver, so name lookups still honour the timeouts.
        try set(CURLOPT_NOSIGNAL, 1)
        // Without a write callback libcurl writes response bodies to our stdout.
        // Start with a sink that keeps nothing; collectResponseBody replaces it.
        try installBodySink(bodySink)
    }

    /// Forgets the last transfer's options but keeps the handle's open connections
    /// (`curl_easy_reset`), so the next message to the same server goes over the
    /// same connection; libcurl checks a kept connection is alive before reusing it.
    package func reset() throws(DeliveryError) {
        curl_easy_reset(handle)
        // The handle no longer points to any of these.
        for list in lists { curl_slist_free_all(list) }
        lists.removeAll()
        uploadSource = nil
        replyLog = nil
        bodySink = ResponseBodySink(limit: 0, stopsAtLimit: false)
        try setDefaults()
    }

    /// Whether the last transfer went over a connection an earlier transfer opened.
    package var reusedConnection: Bool {
        var connects = 0
        return klaxon_curl_getinfo_long(handle, CURLINFO_NUM_CONNECTS, &connects) == CURLE_OK && connects == 0
    }

    deinit {
        // Order matters: the handle goes first, then what it pointed to.
        curl_easy_cleanup(handle)
        for list in lists { curl_slist_free_all(list) }
        errorBuffer.deinitialize(count: errorBufferSize)
        errorBuffer.deallocate()
    }

    // MARK: Options

    package func set(_ option: CURLoption, _ value: Int) throws(DeliveryError) {
        try check(klaxon_curl_setopt_long(handle, option, value), option)
    }

    package func set(_ option: CURLoption, _ value: Duration) throws(DeliveryError) {
        let (seconds, attoseconds) = value.components
        let milliseconds = max(1, seconds * 1000 + attoseconds / 1_000_000_000_000_000)
        try set(option, Int(clamping: milliseconds))
    }

    /// For string options; libcurl copies the string before this returns.
    package func set(_ option: CURLoption, _ value: String) throws(DeliveryError) {
        let code = value.withCString { klaxon_curl_setopt_string(handle, option, $0) }
        try check(code, option)
    }

    /// For list options (CURLOPT_MAIL_RCPT, CURLOPT_HTTPHEADER). An empty list sets nothing.
    package func set(_ option: CURLoption, list items: [String]) throws(DeliveryError) {
        var list: UnsafeMutablePointer<curl_slist>?
        for item in items {
            // curl_slist_append copies the string; on failure it returns NULL and leaves the list intact.
            guard let longer = item.withCString({ curl_slist_append(list, $0) }) else {
                curl_slist_free_all(list)
                throw DeliveryError(kind: .internalFailure, message: "libcurl could not build a list for \(Self.name(of: option)) (out of memory?)")
            }
            list = longer
        }
        guard let list else { return }
        lists.append(list)
        try check(klaxon_curl_setopt_slist(handle, option, list), option)
    }

    /// Sends `bytes` as the upload (the SMTP DATA section) through CURLOPT_READFUNCTION.
    package func setUploadBody(_ bytes: [UInt8]) throws(DeliveryError) {
        let source = UploadSource(bytes)
        uploadSource = source
        try setCallback(CURLOPT_READFUNCTION) { buffer, size, count, context in
            guard let buffer, let context else { return klaxon_curl_readfunc_abort() }
            let source = Unmanaged<UploadSource>.fromOpaque(context).takeUnretainedValue()
            return source.read(into: UnsafeMutableRawPointer(buffer), capacity: size * count)
        }
        try setPointer(CURLOPT_READDATA, Unmanaged.passUnretained(source).toOpaque())
        try set(CURLOPT_UPLOAD, 1)
        try check(klaxon_curl_setopt_off_t(handle, CURLOPT_INFILESIZE_LARGE, curl_off_t(bytes.count)), CURLOPT_INFILESIZE_LARGE)
    }

    /// Sends `bytes` as an HTTP request body (this makes the request a POST unless
    /// CURLOPT_CUSTOMREQUEST says otherwise). libcurl copies the bytes, so nothing
    /// has to outlive this call.
    package func setPostBody(_ bytes: [UInt8]) throws(DeliveryError) {
        // The size must be set before COPYPOSTFIELDS so binary bodies (with NULs) are copied whole.
        try check(klaxon_curl_setopt_off_t(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(bytes.count)), CURLOPT_POSTFIELDSIZE_LARGE)
        // A trailing NUL guarantees a non-nil pointer even for an empty body; the size excludes it.
        var storage = bytes
        storage.append(0)
        let code = storage.withUnsafeMutableBytes { raw in
            klaxon_curl_setopt_pointer(handle, CURLOPT_COPYPOSTFIELDS, raw.baseAddress)
        }
        try check(code, CURLOPT_COPYPOSTFIELDS)
    }

    /// Keeps up to `limit` bytes of the response body. More than that ends the transfer
    /// early, which perform() treats as success with `responseBodyTruncated` set.
    package func collectResponseBody(limit: Int) throws(DeliveryError) {
        let sink = ResponseBodySink(limit: limit, stopsAtLimit: true)
        try installBodySink(sink)
        bodySink = sink  // only now may the old sink, which libcurl no longer points to, go
    }

    /// Records the lines the server sends outside the body (SMTP replies), for error text.
    package func recordServerReplies() throws(DeliveryError) {
        let log = ServerReplyLog()
        replyLog = log
        try setCallback(CURLOPT_HEADERFUNCTION) { buffer, size, count, context in
            guard let context else { return 0 }
            let log = Unmanaged<ServerReplyLog>.fromOpaque(context).takeUnretainedValue()
            log.record(UnsafeRawBufferPointer(start: buffer, count: size * count))
            return size * count
        }
        try setPointer(CURLOPT_HEADERDATA, Unmanaged.passUnretained(log).toOpaque())
    }

    // MARK: Transfer

    package func perform() throws(CurlFailure) {
        errorBuffer[0] = 0
        let code = curl_easy_perform(handle)
        if code == CURLE_OK { return }
        // Our own body cap stopped the transfer: the status and the kept bytes are valid.
        if code == CURLE_WRITE_ERROR && bodySink.truncated { return }
        throw CurlFailure(code: code, detail: errorText(for: code), responseCode: responseCode, lastServerReply: replyLog?.mostRelevant)
    }

    /// The last SMTP or HTTP reply code, or nil if no reply arrived.
    package var responseCode: Int? {
        var value = 0
        guard klaxon_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &value) == CURLE_OK, value != 0 else { return nil }
        return value
    }

    /// The answer's `Retry-After` in seconds from now (libcurl reads both forms, seconds and HTTP-date).
    package var retryAfter: Int64? {
        var value: curl_off_t = 0
        guard klaxon_curl_getinfo_off_t(handle, CURLINFO_RETRY_AFTER, &value) == CURLE_OK, value > 0 else { return nil }
        return Int64(value)
    }

    package var responseBody: [UInt8] { bodySink.bytes }
    package var responseBodyTruncated: Bool { bodySink.truncated }

    // MARK: Private

    private func setPointer(_ option: CURLoption, _ pointer: UnsafeMutableRawPointer?) throws(DeliveryError) {
        try check(klaxon_curl_setopt_pointer(handle, option, pointer), option)
    }

    private func setCallback(_ option: CURLoption, _ callback: klaxon_curl_data_callback) throws(DeliveryError) {
        try check(klaxon_curl_setopt_callback(handle, option, callback), option)
    }

    private func installBodySink(_ sink: ResponseBodySink) throws(DeliveryError) {
        try setCallback(CURLOPT_WRITEFUNCTION) { buffer, size, count, context in
            guard let context else { return 0 }
            let sink = Unmanaged<ResponseBodySink>.fromOpaque(context).takeUnretainedValue()
            return sink.append(UnsafeRawBufferPointer(start: buffer, count: size * count))
        }
        try setPointer(CURLOPT_WRITEDATA, Unmanaged.passUnretained(sink).toOpaque())
    }

    private func check(_ code: CURLcode, _ option: CURLoption) throws(DeliveryError) {
        guard code != CURLE_OK else { return }
        throw DeliveryError(
            kind: .internalFailure,
            message: "libcurl refused option \(Self.name(of: option)) (is the installed libcurl too old or built without this feature?)",
            curlCode: Int(code.rawValue),
            curlDetail: String(cString: curl_easy_strerror(code))
        )
    }

    private func errorText(for code: CURLcode) -> String {
        let buffered = String(cString: errorBuffer).trimmingCharacters(in: .whitespacesAndNewlines)
        return buffered.isEmpty ? String(cString: curl_easy_strerror(code)) : buffered
    }

    private static func name(of option: CURLoption) -> String {
        guard let info = curl_easy_option_by_id(option), let name = info.pointee.name else {
            return "#\(option.rawValue)"
        }
        return "CURLOPT_" + String(cString: name)
    }
}

// MARK: Callback context boxes

/// Feeds the upload to CURLOPT_READFUNCTION in the pieces libcurl asks for.
private final class UploadSource {
    private let bytes: [UInt8]
    private var offset = 0

    package init(_ bytes: [UInt8]) { self.bytes = bytes }

    package func read(into destination: UnsafeMutableRawPointer, capacity: Int) -> Int {
        let count = min(capacity, bytes.count - offset)
        guard count > 0 else { return 0 }  // 0 tells libcurl the upload is complete
        bytes.withUnsafeBytes { source in
            guard let base = source.baseAddress else { return }  // never nil here: count > 0
            destination.copyMemory(from: base + offset, byteCount: count)
        }
        offset += count
        return count
    }
}

/// Collects the response body up to a limit.
private final class ResponseBodySink {
    package let limit: Int
    /// false: silently drop everything past the limit (used when nobody wants a body).
    package let stopsAtLimit: Bool
    package private(set) var bytes: [UInt8] = []
    package private(set) var truncated = false

    package init(limit: Int, stopsAtLimit: Bool) {
        self.limit = limit
        self.stopsAtLimit = stopsAtLimit
    }

    /// Returns the count taken, as CURLOPT_WRITEFUNCTION must; a short count stops the transfer.
    package func append(_ chunk: UnsafeRawBufferPointer) -> Int {
        guard stopsAtLimit else { return chunk.count }
        let room = limit - bytes.count
        if chunk.count <= room {
            bytes.append(contentsOf: chunk)
            return chunk.count
        }
        bytes.append(contentsOf: chunk.prefix(max(0, room)))
        truncated = true
        return 0
    }
}

/// Keeps the server's most telling reply line, made safe to print: the last
/// 4xx/5xx reply if there was one (libcurl still sends QUIT after a failure, so
/// the very last line is usually a harmless "221 Bye"), else the last line.
private final class ServerReplyLog {
    private var lastLine: String?
    private var lastFailure: String?

    package var mostRelevant: String? { lastFailure ?? lastLine }

    package func record(_ line: UnsafeRawBufferPointer) {
        let printable = line.prefix(300).map { byte -> Character in
            (0x20..<0x7F).contains(byte) ? Character(Unicode.Scalar(byte)) : " "
        }
        let text = String(printable).trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty else { return }
        lastLine = text
        let code = text.prefix(3)
        if code.count == 3, code.allSatisfy(\.isNumber), code.first == "4" || code.first == "5" {
            lastFailure = text
        }
    }
}
