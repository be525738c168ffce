// DueQueue<T>: items that fall due at a cycle, taken out in (cycle, insertion) order: the order
// a priority queue keyed by (cycle, sequence number) gives, without its per-item heap cost.
//
// A calendar: a ring of buckets, one per cycle, each in insertion order; the ring doubles when
// an item falls due further ahead than it spans. Items pushed for a cycle already drained (at
// most one cycle before the drain cursor, as when a unit responds at `now` after the queue was
// drained for `now`) wait in a "late" list that is taken first at the next drain: they are due
// earlier than anything in the ring.
// Contract: push(at, item) with `at` not before the cycle of the last drain; drain(now, f) calls
// f(item) for every item due by `now`, including those f itself pushes due by `now`.
#pragma once

#include <cstdint>
#include <vector>

namespace stcsim::sim {

template <class T>
class DueQueue {
public:
    explicit DueQueue(std::size_t buckets = 1024) : ring_(buckets) {}

    void push(std::uint64_t at, const T& item) {
        ++size_;
        if (at < cursor_) {
            late_.push_back(item);
            return;
        }
        if (at - cursor_ >= ring_.size()) grow(at - cursor_ + 1);
        bucket(at).push_back(item);
    }

    template <class F>
    void drain(std::uint64_t now, F&& f) {
        // Late items first; f may push more (due now or later: they go to the ring).
        for (std::size_t i = 0; i < late_.size(); ++i) take(late_, i, f);
        late_.clear();
        if (size_ == 0) {  // nothing to walk over: jump
            if (now + 1 > cursor_) cursor_ = now + 1;
            return;
        }
        for (; cursor_ <= now; ++cursor_) {
            // Looked up afresh for every item: a push from f may grow the ring and move buckets.
            for (std::size_t i = 0; i < bucket(cursor_).size(); ++i) take(bucket(cursor_), i, f);
            bucket(cursor_).clear();
            if (size_ == 0) {
                cursor_ = now + 1;
                return;
            }
        }
    }

    // The item pushed last for cycle `at`, for a caller that folds a new item into it; nullptr if
    // there is none or `at` is not after the drain cursor (a bucket being drained is never handed
    // out). The pointer is valid until the next push or drain.
    T* last_at(std::uint64_t at) {
        if (at <= cursor_ || at - cursor_ >= ring_.size()) return nullptr;
        std::vector<T>& b = bucket(at);
        return b.empty() ? nullptr : &b.back();
    }

    bool empty() const { return size_ == 0; }
    std::size_t size() const { return size_; }
    // The cycle the next item falls due (precondition: !empty()).
    std::uint64_t earliest() const {
        if (!late_.empty()) return cursor_ - 1;
        std::uint64_t at = cursor_;
        while (bucket(at).empty()) ++at;
        return at;
    }

private:
    std::vector<T>& bucket(std::uint64_t at) { return ring_[at & (ring_.size() - 1)]; }
    const std::vector<T>& bucket(std::uint64_t at) const { return ring_[at & (ring_.size() - 1)]; }

    template <class F>
    void take(std::vector<T>& bucket, std::size_t i, F& f) {
        const T item = bucket[i];  // a copy: f may push to this bucket and move it
        --size_;
        f(item);
    }

    void grow(std::uint64_t span) {
        std::size_t size = ring_.size();
        while (size < span) size *= 2;
        std::vector<std::vector<T>> ring(size);
        for (std::uint64_t at = cursor_; at < cursor_ + ring_.size(); ++at)
            ring[at & (size - 1)] = std::move(ring_[at & (ring_.size() - 1)]);
        ring_ = std::move(ring);
    }

    std::vector<std::vector<T>> ring_;  // size a power of two; bucket of cycle c: ring_[c mod size]
    std::vector<T> late_;
    std::uint64_t cursor_ = 0;  // the first cycle not yet drained
    std::size_t size_ = 0;
};

}  // namespace stcsim::sim
