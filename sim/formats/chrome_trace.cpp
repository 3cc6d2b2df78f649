// Chrome Trace Event format, as chrome://tracing and Perfetto (ui.perfetto.dev) open it.
// - Export: complete "X" events (µs) with the span's attributes in args, plus "M" process_name/thread_name
//   metadata: one process per service, and within it as many thread lanes as needed to keep slices nested.
// - Import (best effort): "X" events and "B"/"E" pairs become spans, nested by time on each thread; each
//   top-level slice starts its own trace; process_name metadata names the service. Other phases are skipped.
// [SECTION] Writing  [SECTION] Reading
#include <algorithm>
#include <cmath>
#include <map>
#include <unordered_map>

#include "sim/formats/format_io.hpp"

namespace tl::formats {

// [SECTION] Writing

std::string write_chrome(const TraceStore& st) {
    // Services in order of appearance: pid 1, 2, …
    std::unordered_map<StrId, uint32_t> pid_of;
    std::vector<StrId> services;
    for (const Span& s : st.spans)
        if (pid_of.try_emplace(s.service, static_cast<uint32_t>(services.size() + 1)).second)
            services.push_back(s.service);

    // Lanes: within a service, a span joins the first lane whose open slice contains it (or that is idle).
    std::vector<uint32_t> tid_of(st.spans.size(), 1);
    std::vector<uint32_t> lanes_of(services.size() + 1, 0);
    {
        std::vector<uint32_t> order(st.spans.size());
        for (uint32_t i = 0; i < order.size(); ++i) order[i] = i;
        std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
            const Span& x = st.spans[a];
            const Span& y = st.spans[b];
            const uint32_t px = pid_of[x.service], py = pid_of[y.service];
            if (px != py) return px < py;
            if (x.start_ns != y.start_ns) return x.start_ns < y.start_ns;
            if (x.end_ns != y.end_ns) return x.end_ns > y.end_ns;
            return a < b;
        });
        std::vector<std::vector<int64_t>> lanes;  // open slices' end times, per lane
        uint32_t current_pid = 0;
        for (uint32_t idx : order) {
            const Span& s = st.spans[idx];
            const uint32_t pid = pid_of[s.service];
            if (pid != current_pid) {
                lanes.clear();
                current_pid = pid;
            }
            size_t lane = 0;
            for (; lane < lanes.size(); ++lane) {
                auto& open = lanes[lane];
                while (!open.empty() && open.back() <= s.start_ns) open.pop_back();
                if (open.empty() || open.back() >= s.end_ns) break;
            }
            if (lane == lanes.size()) lanes.emplace_back();
            lanes[lane].push_back(s.end_ns);
            tid_of[idx] = static_cast<uint32_t>(lane + 1);
            lanes_of[pid] = std::max<uint32_t>(lanes_of[pid], static_cast<uint32_t>(lane + 1));
        }
    }

    JsonWriter w;
    w.out.reserve(st.spans.size() * 350 + 256);
    w.begin_object();
    w.field("displayTimeUnit", "ms");
    w.key("traceEvents");
    w.begin_array();
    for (uint32_t p = 1; p <= services.size(); ++p) {
        w.begin_object();
        w.field("name", "process_name");
        w.field("ph", "M");
        w.field_int("pid", p);
        w.field_int("tid", 0);
        w.key("args");
        w.begin_object();
        w.field("name", st.str(services[p - 1]));
        w.end_object();
        w.end_object();
        w.begin_object();
        w.field("name", "process_sort_index");
        w.field("ph", "M");
        w.field_int("pid", p);
        w.field_int("tid", 0);
        w.key("args");
        w.begin_object();
        w.field_int("sort_index", p);
        w.end_object();
        w.end_object();
        for (uint32_t t = 1; t <= lanes_of[p]; ++t) {
            w.begin_object();
            w.field("name", "thread_name");
            w.field("ph", "M");
            w.field_int("pid", p);
            w.field_int("tid", t);
            w.key("args");
            w.begin_object();
            w.field("name", std::string(st.str(services[p - 1])) + " #" + std::to_string(t));
            w.end_object();
            w.end_object();
        }
    }
    char hex[33];
    for (uint32_t i = 0; i < st.spans.size(); ++i) {
        const Span& s = st.spans[i];
        w.begin_object();
        w.field("name", st.str(s.name));
        w.field("cat", to_string(s.kind));
        w.field("ph", "X");
        w.field_int("pid", pid_of[s.service]);
        w.field_int("tid", tid_of[i]);
        w.key("ts");
        w.micros_exact(s.start_ns);
        w.key("dur");
        w.micros_exact(s.end_ns - s.start_ns);
        w.key("args");
        w.begin_object();
        write_hex(s.trace_id, hex);
        w.field("trace_id", std::string_view(hex, 32));
        write_hex(s.span_id, hex);
        w.field("span_id", std::string_view(hex, 16));
        if (s.parent_span_id.valid()) {
            write_hex(s.parent_span_id, hex);
            w.field("parent_span_id", std::string_view(hex, 16));
        }
        if (s.status != StatusCode::Unset) w.field("status", to_string(s.status));
        if (s.status_message != 0) w.field("status_message", st.str(s.status_message));
        for (const Attribute& a : st.attrs(s.attrs)) {
            w.key(st.str(a.key));
            switch (a.value.type) {
                case ValueType::Bool:
                    w.boolean(a.value.b);
                    break;
                case ValueType::Int:
                    w.integer(a.value.i);
                    break;
                case ValueType::Double:
                    w.real(a.value.d);
                    break;
                default:
                    w.string(st.value_text(a.value));
                    break;
            }
        }
        w.end_object();
        w.end_object();
    }
    w.end_array();
    w.end_object();
    w.out += '\n';
    return std::move(w.out);
}

// [SECTION] Reading

namespace {

struct Slice {
    int64_t pid = 0, tid = 0;
    int64_t start_ns = 0, end_ns = 0;
    const Json* event = nullptr;  // the X or B event (name, cat, args)
    const Json* end_event = nullptr;
    size_t order = 0;
};

int64_t int_field(const Json& e, std::string_view key) {
    auto it = e.find(key);
    if (it == e.end()) return 0;
    if (it->is_number_integer() || it->is_number_unsigned()) return it->get<int64_t>();
    if (it->is_number_float() && std::isfinite(it->get<double>())) return static_cast<int64_t>(it->get<double>());
    return 0;
}

uint64_t mix(uint64_t x) {
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

}  // namespace

void read_chrome(const Json& doc, SpanImport& in) {
    const Where root;
    const Json* events = &doc;
    Where at = root;
    if (doc.is_object()) {
        events = &doc["traceEvents"];
        at = root / "traceEvents";
    }
    if (!events->is_array())
        in.fail(at, std::string("expected an array of trace events, found ") + json_type_name(*events));
    TraceStore& st = in.store();

    auto micros_ns = [&](const Json& e, std::string_view key, const Where& w) -> int64_t {
        auto it = e.find(key);
        if (it == e.end() || !it->is_number()) in.fail(w, "missing \"" + std::string(key) + "\" in microseconds");
        const double us = it->get<double>();
        if (!std::isfinite(us) || std::fabs(us) > 9e15) in.fail(w / key, it->dump() + " is out of range");
        return std::llround(us * 1000.0);
    };

    std::map<int64_t, std::string> process_names;
    std::vector<Slice> slices;
    std::map<std::pair<int64_t, int64_t>, std::vector<Slice>> open;  // B events waiting for their E
    size_t skipped = 0;
    for (size_t i = 0; i < events->size(); ++i) {
        const Json& e = (*events)[i];
        const Where w = at / i;
        if (!e.is_object() || !e.contains("ph") || !e["ph"].is_string()) {
            ++skipped;
            continue;
        }
        const std::string& ph = e["ph"].get_ref<const std::string&>();
        const int64_t pid = int_field(e, "pid"), tid = int_field(e, "tid");
        try {
            if (ph == "X") {
                Slice s{pid, tid, micros_ns(e, "ts", w), 0, &e, nullptr, slices.size()};
                s.end_ns = s.start_ns + (e.contains("dur") ? micros_ns(e, "dur", w) : 0);
                slices.push_back(s);
            } else if (ph == "B") {
                open[{pid, tid}].push_back(Slice{pid, tid, micros_ns(e, "ts", w), 0, &e, nullptr, 0});
            } else if (ph == "E") {
                auto& stack = open[{pid, tid}];
                if (stack.empty()) {
                    in.warn(w, "an end event without a matching begin (skipped)");
                    continue;
                }
                Slice s = stack.back();
                stack.pop_back();
                s.end_ns = micros_ns(e, "ts", w);
                s.end_event = &e;
                s.order = slices.size();
                slices.push_back(s);
            } else if (ph == "M") {
                auto args = e.find("args");
                if (e.value("name", "") == "process_name" && args != e.end() && args->is_object() &&
                    args->contains("name") && (*args)["name"].is_string())
                    process_names[pid] = (*args)["name"].get<std::string>();
            } else {
                ++skipped;
            }
        } catch (const LoadError& err) {
            in.add_warning(std::string(err.what()) + " (event skipped)");
        }
    }
    for (auto& [key, stack] : open)
        if (!stack.empty())
            in.warn(at, std::to_string(stack.size()) + " begin event(s) on pid " + std::to_string(key.first) +
                            ", tid " + std::to_string(key.second) + " never ended (skipped)");
    if (skipped > 0)
        in.warn(at, std::to_string(skipped) +
                        " event(s) of other kinds (instant, counter, …) are not spans and were skipped");

    // Nest slices per thread by time; a slice with no enclosing slice starts a trace.
    std::sort(slices.begin(), slices.end(), [](const Slice& a, const Slice& b) {
        if (a.pid != b.pid) return a.pid < b.pid;
        if (a.tid != b.tid) return a.tid < b.tid;
        if (a.start_ns != b.start_ns) return a.start_ns < b.start_ns;
        if (a.end_ns != b.end_ns) return a.end_ns > b.end_ns;
        return a.order < b.order;
    });
    std::vector<uint32_t> stack;  // indices into st.spans
    uint64_t counter = 0;
    const StrId k_category = st.strings.intern("category"), k_pid = st.strings.intern("process.pid"),
                k_tid = st.strings.intern("thread.id");
    for (size_t i = 0; i < slices.size(); ++i) {
        const Slice& sl = slices[i];
        if (i > 0 && (slices[i - 1].pid != sl.pid || slices[i - 1].tid != sl.tid)) stack.clear();
        while (!stack.empty() && st.spans[stack.back()].end_ns <= sl.start_ns) stack.pop_back();
        Span s;
        s.kind = SpanKind::Internal;
        s.start_ns = sl.start_ns;
        s.end_ns = sl.end_ns;
        s.span_id.value = mix(0x6368726f6d65ULL + ++counter);
        if (!stack.empty() && st.spans[stack.back()].end_ns >= sl.end_ns) {
            s.trace_id = st.spans[stack.back()].trace_id;
            s.parent_span_id = st.spans[stack.back()].span_id;
        } else {
            stack.clear();
            s.trace_id = TraceId{mix(static_cast<uint64_t>(sl.pid) ^ (counter << 20)), mix(counter ^ 0x7472616365ULL)};
        }
        const Json& e = *sl.event;
        std::string name = e.value("name", "");
        if (name.empty() && sl.end_event) name = sl.end_event->value("name", "");
        s.name = st.strings.intern(name);
        auto pn = process_names.find(sl.pid);
        s.service = st.strings.intern(pn != process_names.end() ? pn->second : "pid " + std::to_string(sl.pid));
        s.resource = st.resource_for(s.service);
        s.attrs.begin = static_cast<uint32_t>(st.attributes.size());
        if (auto cat = e.find("cat"); cat != e.end() && cat->is_string())
            st.attributes.push_back(Attribute{k_category, AttrValue::str(st.strings.intern(cat->get<std::string>()))});
        st.attributes.push_back(Attribute{k_pid, AttrValue::integer(sl.pid)});
        st.attributes.push_back(Attribute{k_tid, AttrValue::integer(sl.tid)});
        for (const Json* src : {sl.event, sl.end_event})
            if (src)
                if (auto args = src->find("args"); args != src->end() && args->is_object())
                    for (auto it = args->begin(); it != args->end(); ++it) in.add_plain_attr(it.key(), it.value());
        s.attrs.count = static_cast<uint32_t>(st.attributes.size() - s.attrs.begin);
        s.event_begin = static_cast<uint32_t>(st.events.size());
        s.link_begin = static_cast<uint32_t>(st.links.size());
        st.spans.push_back(s);
        stack.push_back(static_cast<uint32_t>(st.spans.size() - 1));
    }
}

}  // namespace tl::formats
