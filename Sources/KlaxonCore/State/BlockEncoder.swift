import Foundation
import KlaxonEngine
import KlaxonSystem

/// Encodes the state's bucket blocks in order for `StateFile.write`, on this
/// thread and, with enough buckets, a second one, two blocks in memory at most.
///
/// Whichever thread gets to a block first encodes it: the second thread runs
/// ahead by one block while this one digests and writes the block before, and
/// when it falls behind (no free core, as on the benchmark's busy machine)
/// this thread encodes the next block itself instead of waiting for it. A
/// fixed split (every other block on the second thread) either left this
/// thread with half the encoding on an idle machine or made it wait on a
/// busy one.
final class BlockEncoder: @unchecked Sendable {
    private let plan: SavePlan
    private var blocks: [SavePlan.Block] { plan.blocks }
    /// Block k is encoded into buffers[k % 2].
    private let buffers = [Buffer(), Buffer()]
    // Guarded by `condition`.
    private let condition = NSCondition()
    /// The next block nobody has started.
    private var claimed = 0
    /// How many blocks `next` has handed out; the buffer of the last one is in use until the next call.
    private var handedOut = 0
    /// Which block each buffer holds finished, -1 for none.
    private var finished = [-1, -1]
    private var helper: BackgroundThread<Void>?

    init(plan: SavePlan, helped: Bool) {
        self.plan = plan
        if helped && plan.blocks.count > 1 { helper = BackgroundThread { [self] in help() } }
    }

    /// The next block's bytes, valid until the following call: a loaded block
    /// unchanged is a slice of the loaded file, not a copy.
    func next() -> ArraySlice<UInt8>? {
        condition.lock()
        let k = handedOut
        guard k < blocks.count else {
            condition.unlock()
            return nil
        }
        // The buffer of block k - 1 is free again: the caller is done with it.
        handedOut += 1
        condition.broadcast()
        if claimed == k {
            claimed += 1
            condition.unlock()
            buffers[k % 2].encode(blocks[k], of: plan)
        } else {
            while finished[k % 2] != k { condition.wait() }
            condition.unlock()
        }
        if let verbatim = blocks[k].verbatim, let image = plan.image { return image.bytes[verbatim] }
        return buffers[k % 2].bytes[...]
    }

    /// Waits for the second thread, which stops once every block is claimed.
    func finish() {
        condition.lock()
        claimed = blocks.count
        condition.broadcast()
        condition.unlock()
        helper?.wait()
    }

    /// The second thread: claims the next block once its buffer is free (the
    /// block two before it handed out and done with), encodes it, says so.
    private func help() {
        condition.lock()
        while true {
            while claimed < blocks.count && claimed >= handedOut + 1 { condition.wait() }
            guard claimed < blocks.count else { break }
            let k = claimed
            claimed += 1
            condition.unlock()
            buffers[k % 2].encode(blocks[k], of: plan)
            condition.lock()
            finished[k % 2] = k
            condition.broadcast()
        }
        condition.unlock()
    }

    /// One block's bytes, reused from block to block by one thread at a time
    /// (the condition's lock orders one thread's writes before the other's reads).
    private final class Buffer: @unchecked Sendable {
        var bytes: [UInt8] = []
        var scratch: [UInt8] = []

        /// A block: its length, then its companies (`SavePlan.encode`); nothing
        /// for a block written as loaded.
        func encode(_ block: SavePlan.Block, of plan: SavePlan) {
            guard block.verbatim == nil else { return }
            var w = BinaryWriter()
            swap(&w.bytes, &bytes)
            w.bytes.removeAll(keepingCapacity: true)
            w.fixed64(0)
            plan.encode(block, into: &w, scratch: &scratch)
            w.patchFixed64(UInt64(w.bytes.count - 8), at: 0)
            swap(&w.bytes, &bytes)
        }
    }
}
