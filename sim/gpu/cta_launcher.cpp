#include "sim/gpu/cta_launcher.h"

#include <algorithm>

#include "common/errors.h"

namespace stcsim::sim {
namespace {

// Decodes a block's instructions into its slot's compact warps as the reader parses them.
class DecodeInto final : public trace::InstructionSink {
public:
    DecodeInto(KernelDecoder& decoder, std::vector<CompactWarp>& warps) : decoder_(decoder), warps_(warps) {}
    void instruction(std::size_t warp, const trace::TraceInstruction& inst) override { decoder_.append(inst, warps_[warp]); }

private:
    KernelDecoder& decoder_;
    std::vector<CompactWarp>& warps_;
};

}  // namespace

CtaLauncher::CtaLauncher(std::vector<trace::TraceCommand> commands, std::vector<Sm*> sms, const OpcodeClasses& classes,
                         OpcodeCounts& counts)
    : commands_(std::move(commands)), sms_(std::move(sms)), classes_(classes), counts_(counts) {
    for (const auto& c : commands_) kernel_count_ += c.kind == trace::TraceCommand::Kind::kernel ? 1 : 0;
    for (Sm* sm : sms_) sm->report_finished_to(finished_);
}

bool CtaLauncher::open_next_kernel() {
    decoder_.reset();
    reader_.reset();
    while (next_command_ < commands_.size()) {
        const trace::TraceCommand& c = commands_[next_command_++];
        if (c.kind != trace::TraceCommand::Kind::kernel) {
            ++state_.memcpy_skipped;
            continue;
        }
        reader_ = std::make_unique<trace::TraceReader>(c.path);
        const trace::KernelHeader& h = reader_->header();
        kernel_name_ = h.kernel_name;
        kernel_first_instruction_ = state_.trace_instructions;
        kernel_first_cta_ = state_.ctas_launched;
        kernel_path_ = c.path;
        ++kernel_index_;
        ++state_.kernels;
        needs_.warps = static_cast<int>(h.warps_per_block());
        needs_.registers = std::int64_t{h.nregs} * 32 * needs_.warps;
        needs_.shared_bytes = h.shmem;
        if (sms_.front()->resident_ctas() == 0 && !sms_.front()->can_launch(needs_))
            throw UserError(c.path + ": a thread block of this kernel does not fit on an SM (warps " +
                            std::to_string(needs_.warps) + ", registers " + std::to_string(needs_.registers) +
                            ", shared memory " + std::to_string(needs_.shared_bytes) + " bytes)");
        state_.max_ctas_per_sm = static_cast<std::uint64_t>(sms_.front()->occupancy_limit(needs_));
        kernel_done_ = 0;
        kernel_total_ = h.grid.count();
        decoder_ = std::make_unique<KernelDecoder>(classes_, *sms_.front(), h.extended(), counts_, profile_,
                                                   static_cast<std::uint32_t>(kernel_index_));
        kernel_exhausted_ = false;
        block_pending_ = false;
        room_may_exist_ = true;
        return true;
    }
    return false;
}

int CtaLauncher::find_sm(const CtaNeeds& needs) const {
    for (std::size_t i = 0; i < sms_.size(); ++i) {
        const std::size_t sm = (next_sm_ + i) % sms_.size();
        if (sms_[sm]->can_launch(needs)) return static_cast<int>(sm);
    }
    return -1;
}

std::size_t CtaLauncher::free_slot() {
    for (std::size_t i = 0; i < slots_.size(); ++i)
        if (!slots_[i].used) return i;
    slots_.emplace_back();
    return slots_.size() - 1;
}

bool CtaLauncher::launch(Cycle now) {
    (void)now;
    bool any = false;
    while (!kernel_exhausted_) {
        const int sm = find_sm(needs_);
        if (sm < 0) {
            room_may_exist_ = false;
            break;
        }
        const std::size_t index = free_slot();
        Slot& slot = slots_[index];
        const auto warps = static_cast<std::size_t>(needs_.warps);
        slot.warps.resize(warps);
        slot.streams.resize(warps);
        slot.pointers.resize(warps);
        for (CompactWarp& cw : slot.warps) cw.clear();
        DecodeInto sink(*decoder_, slot.warps);
        if (!reader_->next_block(block_, sink)) {
            kernel_exhausted_ = true;
            break;
        }
        slot.used = true;
        for (std::size_t w = 0; w < warps; ++w) {
            CompactWarp& cw = slot.warps[w];
            cw.trim();
            state_.trace_instructions += cw.count;
            slot.streams[w].reset(cw, *decoder_);
            slot.pointers[w] = &slot.streams[w];
        }
        sms_[static_cast<std::size_t>(sm)]->launch_cta(index, slot.pointers, needs_);
        next_sm_ = (static_cast<std::size_t>(sm) + 1) % sms_.size();
        ++resident_;
        resident_warps_ += warps;
        ++state_.ctas_launched;
        state_.peak_resident_ctas = std::max(state_.peak_resident_ctas, resident_);
        any = true;
    }
    return any;
}

void CtaLauncher::account(Cycle now) {
    if (now > last_account_) state_.resident_warp_cycles += resident_warps_ * (now - last_account_);
    last_account_ = now;
}

bool CtaLauncher::tick(Cycle now) {
    account(now);
    bool progress = false;
    if (!finished_.empty()) room_may_exist_ = true;
    for (std::uint64_t tag : finished_) {
        Slot& slot = slots_[tag];
        slot.used = false;
        --resident_;
        resident_warps_ -= slot.warps.size();
        ++state_.ctas_finished;
        ++kernel_done_;
        progress = true;
    }
    finished_.clear();
    if (progress && progress_) progress_(this->progress(now));
    if (kernel_exhausted_ && resident_ == 0 && next_command_ < commands_.size()) {
        if (kernel_index_ > 0 && kernel_end_) kernel_end_(kernel_index_, now);
        progress = open_next_kernel() || progress;
    }
    if (!kernel_exhausted_ && room_may_exist_) progress = launch(now) || progress;
    return progress;
}

Cycle CtaLauncher::next_event(Cycle now) const {
    if (!finished_.empty()) return now + 1;
    if (kernel_exhausted_ && resident_ == 0 && next_command_ < commands_.size()) return now + 1;
    return Cycle::never();
}

LaunchProgress CtaLauncher::progress(Cycle now) const {
    LaunchProgress p{kernel_index_, kernel_count_, kernel_done_, kernel_total_, now};
    const std::uint64_t launched = state_.ctas_launched - kernel_first_cta_;
    if (launched > 0)
        p.instructions_expected = static_cast<double>(state_.trace_instructions - kernel_first_instruction_) /
                                  static_cast<double>(launched) * static_cast<double>(kernel_total_);
    return p;
}

double LaunchProgress::fraction() const {
    if (kernels == 0) return 0;
    double current = ctas_total > 0 ? static_cast<double>(ctas_done) / static_cast<double>(ctas_total) : 0;
    if (instructions_expected > 0)
        current = std::max(current, std::min(0.999, static_cast<double>(instructions_issued) / instructions_expected));
    return (static_cast<double>(kernel - (kernel > 0 ? 1 : 0)) + current) / static_cast<double>(kernels);
}

bool CtaLauncher::done() const { return kernel_exhausted_ && resident_ == 0 && next_command_ >= commands_.size(); }

nlohmann::ordered_json CtaLauncher::dump_state() const {
    return {{"kernel", kernel_index_}, {"kernels", kernel_count_}, {"resident_ctas", resident_},
            {"ctas_done", kernel_done_}, {"ctas_total", kernel_total_}, {"kernel_exhausted", kernel_exhausted_}};
}

}  // namespace stcsim::sim
