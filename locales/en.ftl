# Confab's words in English: the reference every other language follows.
# One message per visible string or accessible name; ids are grouped by where they show.
# Tests find controls by these English names: change them with the tests.

## Control bar
toolbar-label = Call controls
leave = Leave
screen-share = Share screen
screen-stop = Stop sharing
screen-share-short = Share
screen-stop-short = Stop
mic-mute = Mute microphone
mic-unmute = Unmute microphone
mic-unavailable = Microphone unavailable
mic-short = Mic
mic-mute-short = Mute
mic-unmute-short = Unmute
camera-off = Turn camera off
camera-on = Turn camera on
camera-unavailable = Camera unavailable
camera-short = Camera
toolbar-chat-name = { $unread ->
    [0] Chat
   *[other] Chat, { $unread } unread
}
toolbar-files-name = { $waiting ->
    [0] Files
   *[other] Files, { $waiting } waiting
}
toolbar-people-name = People{ $waiting ->
    [0] {""}
   *[other] , { $waiting } waiting
}{ $hands ->
    [0] {""}
    [one] , 1 hand raised
   *[other] , { $hands } hands raised
}

## Panels
panel-people = People
panel-chat = Chat
panel-files = Files
panel-devices = Devices
panel-settings = Settings
panel-close-people = Close people
panel-close-chat = Close chat
panel-close-files = Close files
panel-close-devices = Close devices
panel-close-settings = Close settings

## Raised hands and reactions
hand-raise = Raise hand
hand-lower = Lower hand
hand-raise-short = Hand
hand-lower-short = Lower
hand-raised = Hand raised
reactions = Reactions
reactions-picker = Send a reaction
reactions-sent = Reactions sent
# $reaction is the reaction's id; every message that names a reaction goes through this one.
reaction-name = { $reaction ->
    [thumbs_up] thumbs up
    [clap] applause
    [laugh] laughter
    [heart] heart
    [surprise] surprise
   *[celebrate] celebration
}
reaction-send = Send { reaction-name }
reaction-announced = { $who }: { reaction-name }

## The call
call-label = Call
you = You
you-preview = You (preview)
alone-heading = You're the only one here
alone-text = Share this link with the people you want in the meeting.
camera-is-off = Camera off
mic-is-off = Microphone off
tile-screen-share = {" "}(screen share)
tile-options = Options for { $name }
tile-pin = Pin
tile-fullscreen = Fullscreen
tile-picture-in-picture = Picture in picture
tile-statistics = Connection statistics
# $state is the browser's name for a peer connection's state.
tile-connection-state = {" "}({ $state ->
    [new] new
    [connecting] connecting
    [connected] connected
    [disconnected] disconnected
    [failed] failed
   *[closed] closed
})
tile-quality = Connection { $quality ->
    [good] good
    [fair] fair
   *[poor] poor
}
reconnecting = Reconnecting to the server…
reconnecting-slow = Still trying to reach the server… your call continues.

## Chat
chat-log = Chat messages
chat-to = Send message to
everyone = Everyone
chat-message = Message
chat-placeholder = Write a message
chat-send = Send
chat-to-someone = {" "}to{" "}
chat-to-you = {" "}to you
chat-private = Private
chat-empty = Type a message first.
chat-too-long = Messages can be at most { $max } characters; this one has { $chars }.
chat-recipient-gone = That person is no longer in the call.
chat-flooding = { $name } is sending messages too fast; some were dropped.

## Errors the server reports
error-bad-message = The server could not read a message from this page.
error-room-full = This room is full.
error-already-joined = You have already joined this room.
error-not-in-room = You are not in this room any more.
error-unknown-peer = That participant has left the room.
error-peer-busy = That participant is not keeping up; try again.
error-rate-limited = This page sent too many messages too fast; some were dropped.
error-server-full = The server is full right now. Try again in a minute.
error-too-many-rooms = The server has as many meetings as it can hold. Try again later.
error-password-required = This meeting needs a password.
error-wrong-password = That password is not right.
error-too-many-guesses = Too many wrong passwords for this meeting. Wait a minute and try again.
error-room-locked = The host has locked this meeting: nobody new can join.
error-not-host = Only the meeting's host can do that.
error-removed = The host removed you from the meeting.
error-invalid = The server could not accept that request.
error-join-timeout = The connection was idle too long without joining.
error-source-limit = Your network already has as many meetings or connections on this server as it may. Close some and try again.
error-too-fast = That was too many times in a short while. Wait a few seconds and try again.
error-busy = The server is busy right now. Try again in a moment.
error-denied = The host did not let you in.

## Notices
toast-joined = { $name } joined
toast-left = { $name } left
toast-knocking = { $name } is waiting to be let in
toast-unmute-asked = The host asks you to turn your microphone on.
alert-closed-too-big = The server closed the connection: a message was too big.
alert-closed = The server closed the connection. People already in the call can still see and hear you.

## Files
files-to = Send files to
files-choose = Choose files to send
files-drop = …or drop files here.{" "}
files-direct = They go straight to the other browsers, never through the server.
files-transfers = Transfers
files-clear = Clear finished
file-to = { $file } to { $name }
file-from = { $file } from { $name }
file-to-peer = To{" "}
file-from-peer = From{" "}
file-progress = { $file } progress
file-accept = Accept
file-decline = Decline
file-cancel = Cancel
file-save = Save
file-waiting-accept = Waiting for { $name } to accept
file-offered = { $name } wants to send you this file
file-sent-unconfirmed = Sent; waiting for { $name } to confirm
file-moving = { $figures }
file-moving-left = { $figures } · { $time } left
file-verified-sent = Verified: delivered intact (SHA-256 matches)
file-verified-received = Verified: received intact (SHA-256 matches)
file-corrupted = Failed: the file arrived damaged (SHA-256 differs)
file-declined-by = { $name } declined
file-declined = You declined
file-cancelled = Cancelled
file-cancelled-by = Cancelled by { $name }
file-failed = Failed: { $why }
file-failed-call-ended = The call ended.
file-failed-you-left = You left the call before it finished.
file-failed-not-connected = Not connected to them any more.
file-failed-checksum-unreadable = The sender's checksum was unreadable.
file-failed-closed-receiving = The connection closed before the whole file arrived.
file-failed-closed-sending = The connection closed before the whole file was sent.
file-failed-store = The browser could not store the file (is the disk full?).
file-failed-hash = This browser could not check the file.
file-failed-ended-twice = The file ended twice.
file-failed-not-stored = The received file could not be stored.
file-failed-unreadable = The file could not be read.
file-failed-server-lost = The connection to the server was lost.
file-failed-peer-left = { $name } left the call before it finished.
file-failed-connection-lost = The connection to { $name } was lost.
file-failed-too-many-bytes = More bytes arrived than the file's size.
file-failed-incomplete = The file arrived incomplete ({ $received } of { $size } bytes).
no-one-to-send-to = There is nobody to send files to yet.
files-need-direct-connections = Files travel directly between browsers, and this meeting connects everyone through the server: sending files is not possible here yet.
time-unknown = unknown
time-under-second = less than a second
time-seconds = { $s } s
time-minutes = { $min } min { $s } s
time-hours = { $h } h { $min } min

## Camera and microphone
media-denied = Camera and microphone are blocked. You can still join to see and hear the others; allow them in the browser's site settings to be seen and heard.
media-not-found = No camera or microphone was found. You can still join to see and hear the others.
media-in-use = The camera or microphone is in use by another program. You can still join to see and hear the others.
media-insecure = This browser only allows the camera on a secure (https) page.
media-other = The camera and microphone could not be started ({ $error }). You can still join to see and hear the others.
media-no-mic = No microphone could be opened: connect one, or allow it in the browser's site settings.
media-no-camera = No camera could be opened: connect one, or allow it in the browser's site settings.

## The meeting page
call-load-failed = Could not load the call. Check the connection and press Join again.
chat-not-in-call = You are not in the call.
link-copied = Link copied
link-copy-failed = Could not copy the link: select it and copy it yourself
copy-link = Copy link
left-heading = You left the meeting
rejoin = Rejoin
start-page = Start page
invalid-link-heading = This meeting link is not valid
invalid-link-text = Check the link you were sent: it may be cut short or mistyped.
start-new-meeting = Start a new meeting

## Problem screens
problem-room-full = This meeting is full
problem-locked = This meeting is locked
problem-removed = You were removed from the meeting
problem-denied = The host did not let you in
problem-unreachable = Confab cannot reach the server
problem-room-full-text = Everyone it has room for is already in it. Try again when someone leaves, or ask the host to start another meeting.
problem-locked-text = The host has locked it: nobody new can join. Ask the host to unlock it, then try again.
problem-removed-text = The host took you out of this meeting, and you cannot come back with this link. Ask the host if this was a mistake.
problem-denied-text = This meeting admits people one by one, and the host turned your request down. Ask the host if this was a mistake, then try again.
problem-unreachable-text = The server did not answer, or is too busy right now. Check your connection and try again in a moment.
try-again = Try again

## Lobby
lobby = Lobby
mic-level = Microphone level
camera-and-mic = Camera and microphone
your-name = Your name
meeting-password = Meeting password
join = Join
joining = Joining…
waiting-for-host = Waiting for the host to let you in…
stop-waiting = Stop waiting

## Meeting protection (the host)
protection-locked-password = Meeting locked and protected by a password.
protection-locked = Meeting locked: nobody new can join.
protection-password = Meeting protected by a password.
protection-heading = Meeting protection
meeting-lock = Lock meeting
meeting-unlock = Unlock meeting
admit-manually = Admit people manually
new-password = New meeting password
set-password = Set password
remove-password = Remove password
confirm-remove-heading = Remove { $name }?
confirm-remove-text = { $name } will leave the meeting at once and cannot come back with this link.
remove = Remove
cancel = Cancel

## People
people-search = Find a participant
participants = Participants
people-none-found = Nobody by that name.
host = Host
# $place is the hand's place in line: 1st, 2nd, 3rd…
people-hand-raised = Hand raised, { NUMBER($place, type: "ordinal") ->
    [one] { $place }st
    [two] { $place }nd
    [few] { $place }rd
   *[other] { $place }th
}
people-lower-hand-of = Lower hand of { $name }
people-ask-to-unmute = Ask to unmute { $name }
people-remove = Remove { $name }
ask-to-unmute = Ask to unmute
mic-is-on = Microphone on
camera-is-on = Camera on
waiting-to-join = Waiting to join
admit = Admit
deny = Deny
admit-name = Admit { $name }
deny-name = Deny { $name }
admit-all = Admit all

## Invitation
meeting-link = Meeting link
qr-alt = QR code of the meeting link
qr-hint = Scan it with a phone to join from there.

## Connection statistics (units follow a figure)
stats-for = Connection statistics for { $name }
stats-bitrate-in = Bitrate in
stats-bitrate-out = Bitrate out
stats-rtt = Round-trip time
stats-loss = Packet loss
stats-fps = Frame rate
stats-resolution = Resolution
stats-kbps = kbit/s
stats-ms = ms
stats-percent = %
stats-fps-unit = fps
stats-lines = lines

## Devices
device-camera = Camera
device-microphone = Microphone
device-speaker = Speaker

## Start page
home-tagline = Video meetings on your own server. Start one, share the link, talk.
home-start = Start a meeting
home-start-failed = Could not start a meeting: { $error }
home-code = Meeting link or code
home-join = Join meeting
home-not-a-link = That is not a meeting link: a meeting code is 26 letters and digits (a-z, 2-7).
not-found = Page not found
not-found-link = Go to the start page

## Settings
settings-language = Language
settings-shortcuts = Keyboard shortcuts
settings-noise = Noise suppression
settings-noise-hint = Filters out background noise (keyboard, fan, traffic) from your microphone before it is sent, in this browser.
settings-noise-unavailable = This browser cannot filter background noise.
settings-mirror = Mirror my video
settings-mirror-hint = Only you see your camera mirrored; the others see it as it is.
shortcut-mic = Mute or unmute the microphone
shortcut-camera = Turn the camera off or on
shortcut-hand = Raise or lower your hand
shortcut-escape = Close the open panel
settings-shortcuts-hint = Single-key shortcuts work when no text field has focus. Turn them off if speech input or an accessible keyboard presses them by accident.
