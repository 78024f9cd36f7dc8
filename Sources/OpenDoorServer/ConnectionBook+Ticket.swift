import NIOCore
import Synchronization

extension ConnectionBook {
    /// A connection's standing, from its accept until it closes: a WebSocket's reservation until its handshake, then
    /// its admission (``admit(address:channel:stop:replacing:now:)``, with the visitor's own address); given back once.
    final class Ticket: Sendable {
        private enum Held {
            case reserved(Reservation)
            case admitted(Admission)
            case released
        }

        private let book: ConnectionBook
        private let held: Mutex<Held>

        /// A ticket for a connection admitted at its accept.
        init(_ book: ConnectionBook, admitted admission: Admission) {
            self.book = book
            held = Mutex(.admitted(admission))
        }

        /// A ticket for a WebSocket that holds `reservation` until its handshake.
        init(_ book: ConnectionBook, reserved reservation: Reservation) {
            self.book = book
            held = Mutex(.reserved(reservation))
        }

        /// The connection's admission: made now from `address` in place of the reservation, if it had one (the
        /// reservation is given back first, so its place counts for the visitor); nil once the ticket was released.
        func admission(address: String, channel: any Channel, stop: ConnectionStop) -> Admission? {
            held.withLock { held -> Admission? in
                switch held {
                case .admitted(let admission):
                    return admission
                case .released:
                    return nil
                case .reserved(let reservation):
                    let admission = book.admit(address: address, channel: channel, stop: stop, replacing: reservation)
                    held = .admitted(admission)
                    return admission
                }
            }
        }

        /// Gives the place (or the wait) back; later calls do nothing.
        func release() {
            let was = held.withLock { held -> Held in
                defer { held = .released }
                return held
            }
            switch was {
            case .admitted(let admission): book.release(admission)
            case .reserved(let reservation): book.release(reservation)
            case .released: break
            }
        }
    }
}
