import Foundation

/// Where a page of a listing ended: the last row's place in the order stores list requests in (created, then id,
/// newest first). The next page starts with the row after it.
public struct CallbackCursor: Hashable, Sendable {
    /// The row's creation time in milliseconds since 1970, as stores keep it.
    public var createdMilliseconds: Int64
    /// The row's id.
    public var id: Int64

    public init(createdMilliseconds: Int64, id: Int64) {
        self.createdMilliseconds = createdMilliseconds
        self.id = id
    }

    /// Where the rows created before `date` begin (whole milliseconds, rounded down as purges round): a listing read
    /// from here holds only rows created before it.
    public static func before(_ date: Date) -> CallbackCursor {
        CallbackCursor(createdMilliseconds: Int64((date.timeIntervalSince1970 * 1000).rounded(.down)), id: .min)
    }

    /// The place of `request` as a store read it (its time in whole milliseconds).
    public init(_ request: CallbackRequest) {
        self.init(createdMilliseconds: Int64((request.created.timeIntervalSince1970 * 1000).rounded()), id: request.id)
    }
}

/// One page of a listing read with ``CallbackStore/listingPage(status:after:limit:)``.
public struct CallbackPage: Sendable {
    /// The page's requests, newest first, and its rows that could not be read.
    public var listing: CallbackListing
    /// Where the next page starts (after this row); nil when no row follows (a store on disk says so when the page
    /// came back short of its limit: a full last page is followed by an empty one).
    public var next: CallbackCursor?

    public init(listing: CallbackListing, next: CallbackCursor?) {
        self.listing = listing
        self.next = next
    }
}

extension CallbackStore {
    /// The rows after `cursor` (from the newest when nil): ``list(status:)`` read whole and cut, for stores whose
    /// requests are in memory anyway. Stores on disk read only the page (keyset pagination).
    public func listingPage(status: CallbackStatus?, after cursor: CallbackCursor?, limit: Int) async throws -> CallbackPage {
        let limit = max(1, limit)
        let all = try await list(status: status)
        // After the cursor's own row; when that row is gone, after its place.
        let rest: ArraySlice<CallbackRequest>
        if let cursor, let index = all.firstIndex(where: { $0.id == cursor.id }) {
            rest = all[(index + 1)...]
        } else if let cursor {
            rest = all.drop { request in
                let place = CallbackCursor(request)
                return (place.createdMilliseconds, place.id) >= (cursor.createdMilliseconds, cursor.id)
            }
        } else {
            rest = all[...]
        }
        let page = Array(rest.prefix(limit))
        return CallbackPage(listing: CallbackListing(requests: page), next: rest.count > limit ? page.last.map(CallbackCursor.init) : nil)
    }

    /// Reads the requests with `status` (all when nil) a page of `pageSize` rows at a time, newest first, handing each
    /// page to `body` as it comes: a listing of any length in the memory of one page.
    ///
    /// `start` skips the rows before it: `CallbackCursor(createdMilliseconds: cutoff, id: .min)` starts with the
    /// newest row created before `cutoff` (what `callbacks purge` shows).
    ///
    /// A request saved while the pages are read shows up only if it sorts after the page being read; one deleted
    /// meanwhile may still have been handed over. Returns how many pages were read.
    @discardableResult
    public func forEachPage(
        status: CallbackStatus?, pageSize: Int, from start: CallbackCursor? = nil,
        _ body: (CallbackListing) async throws -> Void
    ) async throws -> Int {
        var cursor = start
        var pages = 0
        repeat {
            let page = try await listingPage(status: status, after: cursor, limit: pageSize)
            pages += 1
            try await body(page.listing)
            cursor = page.next
        } while cursor != nil
        return pages
    }
}
