// Trace statistics panel: Jaeger UI's per-trace table for the trace on screen — per service and operation,
// the span count, total, self time, average, minimum, maximum and self time's share of the trace — sorted
// by any column (click its header). Rows select the operation's first span.
#include <string>
#include <vector>

#include <imgui.h>

#include "sim/trace/statistics.hpp"
#include "ui/app.hpp"
#include "ui/waterfall/waterfall_layout.hpp"
#include "ui/widgets/label_probe.hpp"
#include "ui/widgets/text_helpers.hpp"

namespace tl::ui {
namespace {

class StatisticsPanel final : public Panel {
public:
    const char* name() const override { return "statistics"; }
    const char* title() const override { return "Statistics"; }
    Area area() const override { return Area::Bottom; }
    int order() const override { return 15; }

    void draw(const App& app, Actions& actions) override {
        const int32_t trace = app.current_trace();
        if (trace < 0) {
            ImGui::TextDisabled("No trace on screen.");
            return;
        }
        const TraceStore& st = app.store();
        if (trace != seen_trace_ || app.generation() != seen_generation_) {
            rows_ = trace_statistics(st, app.analysis(), uint32_t(trace));
            sort_statistics(st, rows_, column_, ascending_);
            seen_trace_ = trace;
            seen_generation_ = app.generation();
        }
        const auto& t = app.analysis().traces[size_t(trace)];
        const int64_t unit = display_unit_ns(t.duration_ns());  // one unit for the table, as in the waterfall
        ImGui::TextDisabled("%zu spans in %zu operations; share = self time / trace duration (%s)", t.spans.size(),
                            rows_.size(), format_duration_in(t.duration_ns(), unit).c_str());
        constexpr ImGuiTableFlags kFlags = ImGuiTableFlags_Sortable | ImGuiTableFlags_RowBg |
                                           ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_ScrollY |
                                           ImGuiTableFlags_Resizable | ImGuiTableFlags_SizingStretchProp;
        if (!ImGui::BeginTable("##stats", 9, kFlags)) return;
        ImGui::TableSetupScrollFreeze(0, 1);
        const char* names[] = {"Service", "Operation", "Count", "Total", "Self", "Avg", "Min", "Max", "Share"};
        for (int i = 0; i < 9; ++i) {
            ImGuiTableColumnFlags f = i < 2 ? ImGuiTableColumnFlags_WidthStretch : ImGuiTableColumnFlags_WidthFixed;
            if (i == 4) f |= ImGuiTableColumnFlags_DefaultSort | ImGuiTableColumnFlags_PreferSortDescending;
            if (i >= 2) f |= ImGuiTableColumnFlags_PreferSortDescending;
            ImGui::TableSetupColumn(names[i], f, 0.0f, ImGuiID(i));
        }
        ImGui::TableHeadersRow();
        if (ImGuiTableSortSpecs* specs = ImGui::TableGetSortSpecs(); specs && specs->SpecsDirty) {
            if (specs->SpecsCount > 0) {
                column_ = StatsColumn(specs->Specs[0].ColumnUserID);
                ascending_ = specs->Specs[0].SortDirection == ImGuiSortDirection_Ascending;
                sort_statistics(st, rows_, column_, ascending_);
            }
            specs->SpecsDirty = false;
        }
        for (size_t r = 0; r < rows_.size(); ++r) {
            const OperationStats& o = rows_[r];
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            const std::string svc(st.str(o.service));
            ImGui::PushID(int(r));
            if (ImGui::Selectable(svc.c_str(), false, ImGuiSelectableFlags_SpanAllColumns)) {
                for (uint32_t i : t.spans)
                    if (st.spans[i].service == o.service && st.spans[i].name == o.name) {
                        actions.push(SelectSpan{int32_t(i), true});
                        break;
                    }
            }
            ImGui::PopID();
            probe_item("stats:row " + svc + " " + std::string(st.str(o.name)));
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(std::string(st.str(o.name)).c_str());
            ImGui::TableNextColumn();
            ImGui::Text("%u", o.count);
            for (int64_t v : {o.total_ns, o.self_ns, o.avg_ns(), o.min_ns, o.max_ns}) {
                ImGui::TableNextColumn();
                const std::string text = format_duration_in(v, unit);
                ImGui::TextUnformatted(text.c_str());
                probe_item("stats:time " + text);
            }
            ImGui::TableNextColumn();
            ImGui::Text("%.1f%%", o.share * 100.0);
        }
        ImGui::EndTable();
    }

private:
    std::vector<OperationStats> rows_;
    StatsColumn column_ = StatsColumn::Self;
    bool ascending_ = false;
    int32_t seen_trace_ = -2;
    uint64_t seen_generation_ = ~0ULL;
};

}  // namespace

std::unique_ptr<Panel> make_statistics_panel() {
    return std::make_unique<StatisticsPanel>();
}

}  // namespace tl::ui
