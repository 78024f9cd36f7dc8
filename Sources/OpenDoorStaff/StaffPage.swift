import Foundation
import Hummingbird

/// The frame of every page: the title, the menu, who is signed in, and the sign-out button.
enum StaffPage {
    /// The pages in the menu.
    enum Section: String, CaseIterable {
        case callbacks = "/"
        case tryMessage = "/try"
        case knowledge = "/knowledge"
        case counts = "/counts"

        var title: String {
            switch self {
            case .callbacks: "Callbacks"
            case .tryMessage: "Try a message"
            case .knowledge: "Knowledge"
            case .counts: "Counts"
            }
        }
    }

    /// A whole page as a response. `refresh` reloads it every so many seconds (a meta refresh: no script).
    static func response(
        title: String,
        section: Section?,
        session: StaffSession?,
        refresh: Int? = nil,
        status: HTTPResponse.Status = .ok,
        body: Markup
    ) -> Response {
        let menu: Markup
        if let session, let account = session.account {
            let links = Section.allCases.map { item -> Markup in
                let current: Markup = item == section ? " aria-current=\"page\"" : ""
                return "<a href=\"\(item.rawValue)\"\(current)>\(item.title)</a>"
            }
            menu = """
                <nav>\(links)</nav>
                <form method="post" action="/sign-out" class="signout">\(tokenField(session))\
                <span>Signed in as \(account)</span> <button type="submit">Sign out</button></form>
                """
        } else {
            menu = ""
        }
        let refreshTag: Markup = refresh.map { "<meta http-equiv=\"refresh\" content=\"\($0)\">" } ?? ""
        let page: Markup = """
            <!doctype html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            \(refreshTag)
            <title>\(title)</title>
            <link rel="stylesheet" href="/staff.css">
            </head>
            <body>
            <header><span class="brand">OpenDoor staff</span>\(menu)</header>
            <main>
            \(body)
            </main>
            </body>
            </html>

            """
        return Response(
            status: status,
            headers: [.contentType: "text/html; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: page.description))
        )
    }

    /// The hidden field that carries the session's form token.
    static func tokenField(_ session: StaffSession) -> Markup {
        "<input type=\"hidden\" name=\"token\" value=\"\(session.formToken)\">"
    }

    /// The stylesheet, served at `/staff.css` (the policy allows no inline style).
    static let stylesheet = """
        :root { color-scheme: light; --ink: #1d2430; --muted: #5b6472; --line: #d9dee5; --accent: #1f5f8b; \
        --new: #b45309; --ok: #2f7d4f; }
        * { box-sizing: border-box; }
        body { margin: 0; font: 16px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--ink); \
        background: #f6f7f9; }
        header { display: flex; flex-wrap: wrap; gap: 1rem; align-items: center; padding: .6rem 1.2rem; \
        background: #fff; border-bottom: 1px solid var(--line); }
        .brand { font-weight: 600; }
        nav a { margin-right: .9rem; color: var(--accent); text-decoration: none; }
        nav a[aria-current=page] { font-weight: 600; text-decoration: underline; }
        .signout { margin-left: auto; display: flex; gap: .6rem; align-items: center; color: var(--muted); }
        main { max-width: 1320px; margin: 0 auto; padding: 1.2rem; }
        h1 { font-size: 1.4rem; margin: .2rem 0 1rem; }
        h2 { font-size: 1.1rem; margin: 1.6rem 0 .6rem; }
        table { width: 100%; border-collapse: collapse; background: #fff; border: 1px solid var(--line); }
        th, td { text-align: left; padding: .5rem .6rem; border-bottom: 1px solid var(--line); vertical-align: top; }
        th { font-size: .85rem; color: var(--muted); font-weight: 600; }
        tr.new td:first-child { border-left: 4px solid var(--new); }
        .status { font-size: .85rem; padding: .1rem .45rem; border-radius: .6rem; background: #eef1f5; }
        .status.new { background: #fdebd3; color: #7a3a06; }
        .status.contacted { background: #e0efe6; color: #1f5434; }
        .muted { color: var(--muted); }
        .actions form { display: inline; }
        .actions, .nowrap { white-space: nowrap; }
        .actions button { margin-right: .3rem; }
        .card h2:first-child { margin-top: 0; }
        button { font: inherit; padding: .3rem .7rem; border: 1px solid var(--accent); border-radius: .3rem; \
        background: #fff; color: var(--accent); cursor: pointer; }
        button.primary { background: var(--accent); color: #fff; }
        input[type=text], input[type=password], textarea { font: inherit; padding: .45rem; width: 100%; \
        border: 1px solid var(--line); border-radius: .3rem; }
        textarea { min-height: 5rem; }
        .card { background: #fff; border: 1px solid var(--line); border-radius: .4rem; padding: 1rem; margin-bottom: 1rem; }
        .narrow { max-width: 26rem; margin: 3rem auto; }
        .notice { padding: .6rem .8rem; border-radius: .3rem; background: #fdf2e1; border: 1px solid #f1cf9c; }
        .reply { white-space: pre-wrap; }
        dl { display: grid; grid-template-columns: max-content 1fr; gap: .3rem 1rem; margin: 0; }
        dt { color: var(--muted); }
        dd { margin: 0; }
        .charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(340px, 1fr)); gap: 1rem; }
        svg { display: block; }
        svg text { font: 11px system-ui, sans-serif; fill: #5b6472; }
        label { display: block; margin: .6rem 0 .2rem; }

        """
}
