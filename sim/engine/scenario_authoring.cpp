// Structural scenario edits: each checks the result with validate_scenario() and keeps the old scenario
// when the result would not load.
#include "sim/engine/scenario_authoring.hpp"

#include <algorithm>
#include <utility>

namespace tl {

namespace {
std::string check_name(const Scenario& s, std::string_view name) {
    if (name.find_first_not_of(" \t\r\n") == std::string_view::npos) return "a service needs a name";
    if (name.size() > 64) return "a service name may have at most 64 characters";
    if (s.find_service(name) >= 0) return "there is already a service called \"" + std::string(name) + "\"";
    return "";
}

// Applies `edit` to a copy and keeps it only when the result validates.
template <class F>
std::string checked(Scenario& s, F&& edit) {
    Scenario next = s;
    if (auto e = edit(next); !e.empty()) return e;
    if (auto e = validate_scenario(next, next.id.empty() ? "scenario" : next.id); !e.empty()) return e;
    s = std::move(next);
    return "";
}

std::string unknown(std::string_view name) {
    return "unknown service \"" + std::string(name) + "\"";
}
}  // namespace

Scenario new_scenario() {
    Scenario s;
    s.id = "untitled";
    s.title = "New scenario";
    s.description = "";
    Service front;
    front.name = "frontend";
    front.span_name = "GET /";
    front.own.ms = 20.0;
    s.services.push_back(std::move(front));
    s.entry = "frontend";
    return s;
}

std::string unused_service_name(const Scenario& s) {
    for (int n = 1;; ++n) {
        std::string name = "service-" + std::to_string(n);
        if (s.find_service(name) < 0) return name;
    }
}

std::string add_service(Scenario& s, std::string_view name) {
    if (auto e = check_name(s, name); !e.empty()) return e;
    if (s.services.size() >= 256) return "a scenario has at most 256 services";
    return checked(s, [&](Scenario& n) {
        Service svc;
        svc.name = std::string(name);
        svc.span_name = svc.name;
        svc.own.ms = 10.0;
        n.services.push_back(std::move(svc));
        return std::string();
    });
}

std::string rename_service(Scenario& s, std::string_view from, std::string_view to) {
    if (from == to) return "";
    if (s.find_service(from) < 0) return unknown(from);
    if (auto e = check_name(s, to); !e.empty()) return e;
    return checked(s, [&](Scenario& n) {
        Service* svc = n.service(from);
        // A span named after the service follows the new name; a real operation name stays.
        if (svc->span_name == svc->name) svc->span_name = std::string(to);
        svc->name = std::string(to);
        for (auto& other : n.services)
            for (auto& call : other.calls)
                if (call.to == from) call.to = std::string(to);
        if (n.entry == from) n.entry = std::string(to);
        return std::string();
    });
}

std::string remove_service(Scenario& s, std::string_view name) {
    const int i = s.find_service(name);
    if (i < 0) return unknown(name);
    if (s.services.size() == 1) return "a scenario needs at least one service";
    return checked(s, [&](Scenario& n) {
        n.services.erase(n.services.begin() + i);
        for (auto& other : n.services)
            std::erase_if(other.calls, [&](const Call& c) { return c.to == name; });
        if (n.entry == name) n.entry = n.services.front().name;
        return std::string();
    });
}

std::string add_call(Scenario& s, std::string_view caller, std::string_view callee, Transport transport) {
    if (s.find_service(caller) < 0) return unknown(caller);
    if (s.find_service(callee) < 0) return unknown(callee);
    if (s.service(caller)->calls.size() >= 64) return "a service makes at most 64 calls";
    return checked(s, [&](Scenario& n) {
        Call c;
        c.to = std::string(callee);
        c.transport = transport;
        n.service(caller)->calls.push_back(std::move(c));
        return std::string();
    });
}

std::string remove_call(Scenario& s, std::string_view caller, size_t index) {
    Service* svc = s.service(caller);
    if (!svc) return unknown(caller);
    if (index >= svc->calls.size())
        return std::string(caller) + " has no call number " + std::to_string(index + 1);
    svc->calls.erase(svc->calls.begin() + std::ptrdiff_t(index));
    return "";
}

}  // namespace tl
