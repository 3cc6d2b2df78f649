// Chrome Trace Event format, as chrome://tracing and Perfetto (ui.perfetto.dev) open it.
// - Export: complete "X" events (µs) with the span's attributes in args, plus "M" process_name/thread_name
//   metadata: one process per service, and within it as many thread lanes as needed to keep slices nested.
// - Import (best effort): "X" events and "B"/"E" pairs become spans, nested by time on each thread (pid and
//   tid as numbers or strings); each top-level slice starts its own trace; process_name metadata names the
//   service. Other phases are skipped. Improper nesting, bad names and out-of-range times are warnings.
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

uint64_t mix(uint64_t x) {
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

struct ChromeReader {
    SpanImport& in;
    TraceStore& st;
    ChromeEvents& ev;

    ChromeIdent ident(const Json& e, std::string_view key) {
        auto it = e.find(key);
        if (it == e.end()) return {};
        if (it->is_number_integer()) return ChromeIdent{it->get<int64_t>(), 0};
        if (it->is_number_unsigned()) return ChromeIdent{static_cast<int64_t>(it->get<uint64_t>()), 0};
        if (it->is_number_float() && std::isfinite(it->get<double>()) && std::fabs(it->get<double>()) < 9e18)
            return ChromeIdent{static_cast<int64_t>(it->get<double>()), 0};
        if (it->is_string()) return chrome_ident(st, it->get_ref<const std::string&>());
        return {};
    }

    int64_t micros_ns(const Json& e, std::string_view key, const Where& w) {
        auto it = e.find(key);
        if (it == e.end() || !it->is_number()) in.fail(w, "missing \"" + std::string(key) + "\" in microseconds");
        auto ns = chrome_micros_ns(it->get<double>());
        if (!ns) in.fail(w / key, it->dump() + " microseconds is out of range (nanoseconds must fit in 64 bits)");
        return *ns;
    }

    // The event's name; a missing name is empty, a name that is not a string is a warning.
    StrId name_of(const Json& e, const Where& w) {
        auto it = e.find("name");
        if (it == e.end()) return 0;
        if (it->is_string()) return st.strings.intern(it->get_ref<const std::string&>());
        in.warn(w / "name",
                std::string("the name is ") + json_type_name(*it) + ", not a string; the slice is kept without a name");
        return 0;
    }

    // The event's category and arguments (in key order), kept aside until its span is made.
    void details(const Json& e, ChromeSlice& s, bool end_event) {
        if (auto cat = e.find("cat"); !end_event && cat != e.end() && cat->is_string()) {
            s.cat = st.strings.intern(cat->get_ref<const std::string&>());
            s.has_cat = true;
        }
        const auto begin = static_cast<uint32_t>(ev.args.size());
        if (auto args = e.find("args"); args != e.end() && args->is_object())
            for (auto it = args->begin(); it != args->end(); ++it)
                ev.args.push_back(Attribute{st.strings.intern(it.key()), plain_json_value(st, it.value())});
        (end_event ? s.end_args : s.args) = AttrRange{begin, static_cast<uint32_t>(ev.args.size() - begin)};
    }
};

}  // namespace

ChromeIdent chrome_ident(TraceStore& st, std::string_view text) {
    if (auto n = parse_decimal_i64(text)) return ChromeIdent{*n, 0};
    return ChromeIdent{0, st.strings.intern(text)};
}

std::optional<int64_t> chrome_micros_ns(double us) {
    // Whole microseconds and the fraction are scaled apart: epoch times in µs (about 1.7e15) are exact as doubles,
    // but not once multiplied by 1000, and slices that touch must still touch in nanoseconds.
    constexpr double kLimit = 9223372036854774784.0;  // the largest double below 2^63
    if (!(std::fabs(us * 1000.0) <= kLimit)) return std::nullopt;
    const double whole = std::trunc(us);
    int64_t ns = 0;
    if (__builtin_mul_overflow(static_cast<int64_t>(whole), int64_t{1000}, &ns)) return std::nullopt;
    if (__builtin_add_overflow(ns, std::llround((us - whole) * 1000.0), &ns)) return std::nullopt;
    return ns;
}

std::string chrome_ident_text(const TraceStore& st, const ChromeIdent& id) {
    return id.text != 0 ? std::string(st.str(id.text)) : std::to_string(id.num);
}

void nest_chrome_slices(ChromeEvents& ev, SpanImport& in, const Where& at, const ChromeWarn& warn) {
    TraceStore& st = in.store();
    auto& slices = ev.slices;
    // Nest slices per thread by time; a slice with no enclosing slice starts a trace. A slice that starts
    // inside another but outlasts it (improper nesting, which the format forbids) goes under the nearest
    // slice that does enclose it, with a warning.
    std::sort(slices.begin(), slices.end(), [](const ChromeSlice& a, const ChromeSlice& b) {
        if (!(a.pid == b.pid)) return a.pid < b.pid;
        if (!(a.tid == b.tid)) return a.tid < b.tid;
        if (a.start_ns != b.start_ns) return a.start_ns < b.start_ns;
        if (a.end_ns != b.end_ns) return a.end_ns > b.end_ns;
        return a.order < b.order;
    });
    std::vector<uint32_t> stack;   // indices into st.spans: the open slices of the current thread
    std::vector<size_t> stack_at;  // their event positions, for warnings
    uint64_t counter = 0;
    const StrId k_category = st.strings.intern("category"), k_pid = st.strings.intern("process.pid"),
                k_tid = st.strings.intern("thread.id");
    auto ident_value = [&](const ChromeIdent& id) {
        return id.text != 0 ? AttrValue::str(id.text) : AttrValue::integer(id.num);
    };
    st.spans.reserve(st.spans.size() + slices.size());
    st.attributes.reserve(st.attributes.size() + slices.size() * 3 + ev.args.size());
    for (size_t i = 0; i < slices.size(); ++i) {
        const ChromeSlice& sl = slices[i];
        if (i > 0 && !(slices[i - 1].pid == sl.pid && slices[i - 1].tid == sl.tid)) {
            stack.clear();
            stack_at.clear();
        }
        while (!stack.empty() && st.spans[stack.back()].end_ns <= sl.start_ns) {
            stack.pop_back();
            stack_at.pop_back();
        }
        if (!stack.empty() && st.spans[stack.back()].end_ns < sl.end_ns) {
            const size_t overlapped = stack_at.back();
            while (!stack.empty() && st.spans[stack.back()].end_ns < sl.end_ns) {
                stack.pop_back();
                stack_at.pop_back();
            }
            warn(at / sl.index, "this slice starts inside the slice at " + (at / overlapped).pointer() +
                                    " but ends after it (slices on one thread must nest); placed under " +
                                    (stack.empty() ? std::string("no slice: it starts a trace of its own")
                                                   : "the enclosing slice at " + (at / stack_at.back()).pointer()));
        }
        Span s;
        s.kind = SpanKind::Internal;
        s.start_ns = sl.start_ns;
        s.end_ns = sl.end_ns;
        s.span_id.value = mix(0x6368726f6d65ULL + ++counter);
        if (!stack.empty()) {
            s.trace_id = st.spans[stack.back()].trace_id;
            s.parent_span_id = st.spans[stack.back()].span_id;
        } else {
            const auto pid_bits = static_cast<uint64_t>(sl.pid.num) ^ (static_cast<uint64_t>(sl.pid.text) << 32);
            s.trace_id = TraceId{mix(pid_bits ^ (counter << 20)), mix(counter ^ 0x7472616365ULL)};
        }
        s.name = sl.name;
        auto pn = ev.process_names.find(sl.pid);
        s.service =
            pn != ev.process_names.end() ? pn->second : st.strings.intern("pid " + chrome_ident_text(st, sl.pid));
        s.resource = st.resource_for(s.service);
        s.attrs.begin = static_cast<uint32_t>(st.attributes.size());
        if (sl.has_cat) st.attributes.push_back(Attribute{k_category, AttrValue::str(sl.cat)});
        st.attributes.push_back(Attribute{k_pid, ident_value(sl.pid)});
        st.attributes.push_back(Attribute{k_tid, ident_value(sl.tid)});
        for (AttrRange r : {sl.args, sl.end_args})
            st.attributes.insert(st.attributes.end(), ev.args.begin() + r.begin, ev.args.begin() + r.begin + r.count);
        s.attrs.count = static_cast<uint32_t>(st.attributes.size() - s.attrs.begin);
        s.event_begin = static_cast<uint32_t>(st.events.size());
        s.link_begin = static_cast<uint32_t>(st.links.size());
        st.spans.push_back(s);
        stack.push_back(static_cast<uint32_t>(st.spans.size() - 1));
        stack_at.push_back(sl.index);
    }
}

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
    ChromeEvents ev;
    ChromeReader rd{in, st, ev};

    std::map<std::pair<ChromeIdent, ChromeIdent>, std::vector<ChromeSlice>> open;  // B events waiting for their E
    size_t skipped = 0;
    for (size_t i = 0; i < events->size(); ++i) {
        const Json& e = (*events)[i];
        const Where w = at / i;
        if (!e.is_object() || !e.contains("ph") || !e["ph"].is_string()) {
            ++skipped;
            continue;
        }
        const std::string& ph = e["ph"].get_ref<const std::string&>();
        try {
            ChromeSlice s;
            s.pid = rd.ident(e, "pid");
            s.tid = rd.ident(e, "tid");
            s.index = i;
            if (ph == "X") {
                s.start_ns = rd.micros_ns(e, "ts", w);
                const int64_t dur = e.contains("dur") ? rd.micros_ns(e, "dur", w) : 0;
                if (__builtin_add_overflow(s.start_ns, dur, &s.end_ns))
                    in.fail(w / "dur", "the slice would end outside the 64-bit nanosecond range (after the year 2262)");
                s.name = rd.name_of(e, w);
                rd.details(e, s, false);
                s.order = ev.slices.size();
                ev.slices.push_back(s);
            } else if (ph == "B") {
                s.start_ns = rd.micros_ns(e, "ts", w);
                s.name = rd.name_of(e, w);
                rd.details(e, s, false);
                open[{s.pid, s.tid}].push_back(s);
            } else if (ph == "E") {
                auto& stack = open[{s.pid, s.tid}];
                if (stack.empty()) {
                    in.warn(w, "an end event without a matching begin (skipped)");
                    continue;
                }
                ChromeSlice b = stack.back();
                stack.pop_back();
                b.end_ns = rd.micros_ns(e, "ts", w);
                if (b.name == 0) b.name = rd.name_of(e, w);
                rd.details(e, b, true);
                b.order = ev.slices.size();
                ev.slices.push_back(b);
            } else if (ph == "M") {
                auto args = e.find("args");
                auto name = e.find("name");
                if (name != e.end() && name->is_string() && *name == "process_name" && args != e.end() &&
                    args->is_object())
                    if (auto n = args->find("name"); n != args->end() && n->is_string())
                        ev.process_names[s.pid] = st.strings.intern(n->get_ref<const std::string&>());
            } else {
                ++skipped;
            }
        } catch (const LoadError& err) {
            in.add_warning(std::string(err.what()) + " (event skipped)");
        }
    }
    for (auto& [key, stack] : open)
        if (!stack.empty())
            in.warn(at, std::to_string(stack.size()) + " begin event(s) on pid " + chrome_ident_text(st, key.first) +
                            ", tid " + chrome_ident_text(st, key.second) + " never ended (skipped)");
    if (skipped > 0)
        in.warn(at, std::to_string(skipped) +
                        " event(s) of other kinds (instant, counter, …) are not spans and were skipped");
    nest_chrome_slices(ev, in, at, [&](const Where& w, const std::string& message) { in.warn(w, message); });
}

}  // namespace tl::formats
