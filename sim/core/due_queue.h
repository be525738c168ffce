// DueQueue<T>: items that fall due at a cycle, taken out in (cycle, insertion) order: the order
// a priority queue keyed by (cycle, sequence number) gives, without its per-item heap cost.
//
// A calendar: a ring of buckets, one per cycle, each in insertion order; the ring doubles when an
// item falls due further ahead than it spans, up to `max_buckets`. Items due further ahead still
// wait in an ordered map keyed by their due cycle and move into the ring once it spans their
// cycle (before any later item for that cycle enters the ring), so memory does not grow with
// latency. Items pushed for a cycle already drained (at most one cycle before the drain cursor,
// as when a unit responds at `now` after the queue was drained for `now`) wait in a "late" list
// that is taken first at the next drain: they are due earlier than anything in the ring.
// Contract: push(at, item) with `at` not before the cycle of the last drain; drain(now, f) calls
// f(item) for every item due by `now`, including those f itself pushes due by `now`.
#pragma once

#include <algorithm>
#include <cstdint>
#include <map>
#include <vector>

namespace stcsim::sim {

template <class T>
class DueQueue {
public:
    explicit DueQueue(std::size_t buckets = 1024, std::size_t max_buckets = std::size_t{1} << 14)
        : ring_(buckets), max_buckets_(std::max(buckets, max_buckets)) {}

    void push(std::uint64_t at, const T& item) {
        ++size_;
        if (at < cursor_) {
            late_.push_back(item);
            return;
        }
        const std::uint64_t ahead = at - cursor_;
        if (ahead >= ring_.size()) {
            if (ahead >= max_buckets_) {
                far_[at].push_back(item);
                return;
            }
            grow(ahead + 1);
        }
        promote();
        bucket(at).push_back(item);
        ++in_ring_;
    }

    template <class F>
    void drain(std::uint64_t now, F&& f) {
        // Late items first; f may push more (due now or later: they go to the ring).
        for (std::size_t i = 0; i < late_.size(); ++i) take(late_, i, f);
        late_.clear();
        while (cursor_ <= now) {
            if (in_ring_ == 0) {  // nothing to walk over: jump to the next far item, or past now
                const std::uint64_t next = far_.empty() ? now + 1 : std::min(now + 1, far_.begin()->first);
                cursor_ = std::max(cursor_, next);
                if (cursor_ > now) break;
            }
            promote();
            // Looked up afresh for every item: a push from f may grow the ring and move buckets.
            for (std::size_t i = 0; i < bucket(cursor_).size(); ++i) {
                --in_ring_;
                take(bucket(cursor_), i, f);
            }
            bucket(cursor_).clear();
            ++cursor_;
        }
    }

    // The item pushed last for cycle `at`, for a caller that folds a new item into it; nullptr if
    // there is none or `at` is not after the drain cursor (a bucket being drained is never handed
    // out) or beyond the ring. The pointer is valid until the next push or drain.
    T* last_at(std::uint64_t at) {
        if (at <= cursor_ || at - cursor_ >= ring_.size()) return nullptr;
        std::vector<T>& b = bucket(at);
        return b.empty() ? nullptr : &b.back();
    }

    bool empty() const { return size_ == 0; }
    std::size_t ring_buckets() const { return ring_.size(); }
    std::size_t size() const { return size_; }
    // The cycle the next item falls due (precondition: !empty()).
    std::uint64_t earliest() const {
        if (!late_.empty()) return cursor_ - 1;
        if (in_ring_ == 0) return far_.begin()->first;
        std::uint64_t at = cursor_;
        while (bucket(at).empty()) ++at;
        return at;
    }

private:
    std::vector<T>& bucket(std::uint64_t at) { return ring_[at & (ring_.size() - 1)]; }
    const std::vector<T>& bucket(std::uint64_t at) const { return ring_[at & (ring_.size() - 1)]; }

    template <class F>
    void take(std::vector<T>& from, std::size_t i, F& f) {
        const T item = from[i];  // a copy: f may push to this bucket and move it
        --size_;
        f(item);
    }

    // Far items the ring now spans move into it, ahead of any later push for their cycle.
    void promote() {
        while (!far_.empty() && far_.begin()->first - cursor_ < ring_.size()) {
            auto node = far_.extract(far_.begin());
            std::vector<T>& b = bucket(node.key());
            b.insert(b.end(), node.mapped().begin(), node.mapped().end());
            in_ring_ += node.mapped().size();
        }
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
    std::size_t max_buckets_;
    std::map<std::uint64_t, std::vector<T>> far_;  // items due beyond the ring, by due cycle
    std::vector<T> late_;
    std::uint64_t cursor_ = 0;  // the first cycle not yet drained
    std::size_t size_ = 0;      // items in all three places
    std::size_t in_ring_ = 0;   // items in the ring
};

}  // namespace stcsim::sim
