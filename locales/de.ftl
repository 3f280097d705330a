# Confabs Texte auf Deutsch: Diese Datei folgt en.ftl, der englischen Referenz.
# Eine Nachricht pro sichtbarem Text oder zugänglichem Namen; die IDs sind nach ihrem Ort gruppiert.
# Gleiche IDs in gleicher Reihenfolge wie en.ftl: Änderungen beginnen dort.

## Steuerleiste
toolbar-label = Anrufsteuerung
leave = Verlassen
screen-share = Bildschirm teilen
screen-stop = Teilen beenden
screen-share-short = Teilen
screen-stop-short = Beenden
mic-mute = Mikrofon stummschalten
mic-unmute = Mikrofon einschalten
mic-unavailable = Mikrofon nicht verfügbar
mic-short = Mikro
mic-mute-short = Stumm
mic-unmute-short = Ton an
camera-off = Kamera ausschalten
camera-on = Kamera einschalten
camera-unavailable = Kamera nicht verfügbar
camera-short = Kamera
toolbar-chat-name = { $unread ->
    [0] Chat
   *[other] Chat, { $unread } ungelesen
}
toolbar-files-name = { $waiting ->
    [0] Dateien
    [one] Dateien, { $waiting } wartet
   *[other] Dateien, { $waiting } warten
}
toolbar-people-name = Personen{ $waiting ->
    [0] {""}
    [one] , { $waiting } wartet
   *[other] , { $waiting } warten
}{ $hands ->
    [0] {""}
    [one] , 1 Hand gehoben
   *[other] , { $hands } Hände gehoben
}

## Bereiche
panel-people = Personen
panel-chat = Chat
panel-files = Dateien
panel-devices = Geräte
panel-settings = Einstellungen
panel-close-people = Personen schließen
panel-close-chat = Chat schließen
panel-close-files = Dateien schließen
panel-close-devices = Geräte schließen
panel-close-settings = Einstellungen schließen

## Gehobene Hände und Reaktionen
hand-raise = Hand heben
hand-lower = Hand senken
hand-raise-short = Hand
hand-lower-short = Senken
hand-raised = Hand gehoben
reactions = Reaktionen
reactions-picker = Reaktion senden
reactions-sent = Gesendete Reaktionen
# $reaction ist die ID der Reaktion; jede Nachricht, die eine Reaktion nennt, geht über diese hier.
reaction-name = { $reaction ->
    [thumbs_up] Daumen hoch
    [clap] Applaus
    [laugh] Lachen
    [heart] Herz
    [surprise] Überraschung
   *[celebrate] Jubel
}
reaction-send = { reaction-name } senden
reaction-announced = { $who }: { reaction-name }

## Der Anruf
call-label = Anruf
you = Du
you-preview = Du (Vorschau)
alone-heading = Außer dir ist noch niemand hier
alone-text = Teile diesen Link mit den Personen, die am Meeting teilnehmen sollen.
camera-is-off = Kamera aus
mic-is-off = Mikrofon aus
tile-screen-share = {" "}(Bildschirmfreigabe)
tile-options = Optionen für { $name }
tile-pin = Anheften
tile-fullscreen = Vollbild
tile-picture-in-picture = Bild im Bild
tile-statistics = Verbindungsstatistik
# $state ist der Name, den der Browser dem Zustand einer Peer-Verbindung gibt.
tile-connection-state = {" "}({ $state ->
    [new] neu
    [connecting] wird verbunden
    [connected] verbunden
    [disconnected] getrennt
    [failed] fehlgeschlagen
   *[closed] geschlossen
})
tile-quality = Verbindung { $quality ->
    [good] gut
    [fair] mittel
   *[poor] schlecht
}
reconnecting = Verbindung zum Server wird wiederhergestellt…
reconnecting-slow = Der Server ist noch nicht wieder erreichbar… dein Anruf läuft weiter.

## Chat
chat-log = Chatnachrichten
chat-to = Nachricht senden an
everyone = Alle
chat-message = Nachricht
chat-placeholder = Nachricht schreiben
chat-send = Senden
chat-to-someone = {" "}an{" "}
chat-to-you = {" "}an dich
chat-private = Privat
chat-empty = Schreib zuerst eine Nachricht.
chat-too-long = Nachrichten dürfen höchstens { $max } Zeichen lang sein; diese hat { $chars }.
chat-recipient-gone = Diese Person ist nicht mehr im Anruf.
chat-flooding = { $name } sendet zu schnell Nachrichten; einige wurden verworfen.

## Fehler, die der Server meldet
error-bad-message = Der Server konnte eine Nachricht dieser Seite nicht lesen.
error-room-full = Dieser Raum ist voll.
error-already-joined = Du bist diesem Raum bereits beigetreten.
error-not-in-room = Du bist nicht mehr in diesem Raum.
error-unknown-peer = Diese Person hat den Raum verlassen.
error-peer-busy = Diese Person kommt nicht hinterher; versuch es noch einmal.
error-rate-limited = Diese Seite hat zu schnell zu viele Nachrichten gesendet; einige wurden verworfen.
error-server-full = Der Server ist gerade voll. Versuch es in einer Minute noch einmal.
error-too-many-rooms = Der Server hat so viele Meetings, wie er aufnehmen kann. Versuch es später noch einmal.
error-password-required = Dieses Meeting braucht ein Passwort.
error-wrong-password = Das Passwort ist nicht richtig.
error-too-many-guesses = Zu viele falsche Passwörter für dieses Meeting. Warte eine Minute und versuch es dann noch einmal.
error-room-locked = Der Host hat dieses Meeting gesperrt: Niemand Neues kann beitreten.
error-not-host = Nur der Host des Meetings kann das tun.
error-removed = Der Host hat dich aus dem Meeting entfernt.
error-invalid = Der Server konnte diese Anfrage nicht annehmen.
error-join-timeout = Die Verbindung war zu lange untätig, ohne beizutreten.
error-source-limit = Dein Netzwerk hat auf diesem Server bereits so viele Meetings oder Verbindungen, wie erlaubt sind. Schließe einige und versuch es noch einmal.
error-too-fast = Das war zu oft in kurzer Zeit. Warte ein paar Sekunden und versuch es noch einmal.
error-busy = Der Server ist gerade ausgelastet. Versuch es gleich noch einmal.
error-denied = Der Host hat dich nicht hereingelassen.

## Hinweise
toast-joined = { $name } ist beigetreten
toast-left = { $name } ist gegangen
toast-knocking = { $name } wartet auf Einlass
toast-unmute-asked = Der Host bittet dich, dein Mikrofon einzuschalten.
alert-closed-too-big = Der Server hat die Verbindung getrennt: Eine Nachricht war zu groß.
alert-closed = Der Server hat die Verbindung getrennt. Wer schon im Anruf ist, kann dich weiterhin sehen und hören.

## Dateien
files-to = Dateien senden an
files-choose = Dateien zum Senden auswählen
files-drop = …oder Dateien hier ablegen.{" "}
files-direct = Sie gehen direkt an die anderen Browser, nie über den Server.
files-transfers = Übertragungen
files-clear = Abgeschlossene entfernen
file-to = { $file } an { $name }
file-from = { $file } von { $name }
file-to-peer = An{" "}
file-from-peer = Von{" "}
file-progress = Fortschritt von { $file }
file-accept = Annehmen
file-decline = Ablehnen
file-cancel = Abbrechen
file-save = Speichern
file-waiting-accept = Warte darauf, dass { $name } annimmt
file-offered = { $name } möchte dir diese Datei senden
file-sent-unconfirmed = Gesendet; warte auf die Bestätigung von { $name }
file-moving = { $figures }
file-moving-left = { $figures } · Restzeit: { $time }
file-verified-sent = Geprüft: unversehrt zugestellt (SHA-256 stimmt überein)
file-verified-received = Geprüft: unversehrt empfangen (SHA-256 stimmt überein)
file-corrupted = Fehlgeschlagen: Die Datei kam beschädigt an (SHA-256 weicht ab)
file-declined-by = { $name } hat abgelehnt
file-declined = Du hast abgelehnt
file-cancelled = Abgebrochen
file-cancelled-by = Abgebrochen von { $name }
file-failed = Fehlgeschlagen: { $why }
file-failed-call-ended = Der Anruf wurde beendet.
file-failed-you-left = Du hast den Anruf verlassen, bevor die Übertragung fertig war.
file-failed-not-connected = Keine Verbindung mehr zu dieser Person.
file-failed-checksum-unreadable = Die mitgeschickte Prüfsumme war nicht lesbar.
file-failed-closed-receiving = Die Verbindung wurde getrennt, bevor die ganze Datei angekommen war.
file-failed-closed-sending = Die Verbindung wurde getrennt, bevor die ganze Datei gesendet war.
file-failed-store = Der Browser konnte die Datei nicht speichern (ist der Speicher voll?).
file-failed-hash = Dieser Browser konnte die Datei nicht prüfen.
file-failed-ended-twice = Die Datei endete zweimal.
file-failed-not-stored = Die empfangene Datei konnte nicht gespeichert werden.
file-failed-unreadable = Die Datei konnte nicht gelesen werden.
file-failed-server-lost = Die Verbindung zum Server ist abgebrochen.
file-failed-peer-left = { $name } hat den Anruf verlassen, bevor die Übertragung fertig war.
file-failed-connection-lost = Die Verbindung zu { $name } ist abgebrochen.
file-failed-too-many-bytes = Es kamen mehr Bytes an, als die Datei groß ist.
file-failed-incomplete = Die Datei kam unvollständig an ({ $received } von { $size } Bytes).
no-one-to-send-to = Noch ist niemand da, dem du Dateien senden kannst.
files-need-direct-connections = Dateien gehen direkt von Browser zu Browser, und dieses Meeting verbindet alle über den Server: Dateien senden geht hier noch nicht.
time-unknown = unbekannt
time-under-second = weniger als eine Sekunde
time-seconds = { $s } Sek.
time-minutes = { $min } Min. { $s } Sek.
time-hours = { $h } Std. { $min } Min.

## Kamera und Mikrofon
media-denied = Kamera und Mikrofon sind blockiert. Du kannst trotzdem beitreten, um die anderen zu sehen und zu hören; erlaube beides in den Website-Einstellungen des Browsers, damit man dich sieht und hört.
media-not-found = Keine Kamera und kein Mikrofon gefunden. Du kannst trotzdem beitreten, um die anderen zu sehen und zu hören.
media-in-use = Kamera oder Mikrofon wird von einem anderen Programm verwendet. Du kannst trotzdem beitreten, um die anderen zu sehen und zu hören.
media-insecure = Dieser Browser erlaubt die Kamera nur auf einer sicheren (https-)Seite.
media-other = Kamera und Mikrofon konnten nicht gestartet werden ({ $error }). Du kannst trotzdem beitreten, um die anderen zu sehen und zu hören.
media-no-mic = Es konnte kein Mikrofon geöffnet werden: Schließe eins an oder erlaube es in den Website-Einstellungen des Browsers.
media-no-camera = Es konnte keine Kamera geöffnet werden: Schließe eine an oder erlaube sie in den Website-Einstellungen des Browsers.

## Die Meeting-Seite
call-load-failed = Der Anruf konnte nicht geladen werden. Prüfe die Verbindung und drücke erneut auf Beitreten.
chat-not-in-call = Du bist nicht im Anruf.
link-copied = Link kopiert
link-copy-failed = Link konnte nicht kopiert werden: Markiere ihn und kopiere ihn selbst
copy-link = Link kopieren
left-heading = Du hast das Meeting verlassen
rejoin = Wieder beitreten
start-page = Startseite
invalid-link-heading = Dieser Meeting-Link ist ungültig
invalid-link-text = Prüfe den Link, den du bekommen hast: Vielleicht ist er abgeschnitten oder falsch getippt.
start-new-meeting = Neues Meeting starten

## Problemseiten
problem-room-full = Dieses Meeting ist voll
problem-locked = Dieses Meeting ist gesperrt
problem-removed = Du wurdest aus dem Meeting entfernt
problem-denied = Der Host hat dich nicht hereingelassen
problem-unreachable = Confab erreicht den Server nicht
problem-room-full-text = Alle Plätze sind schon belegt. Versuch es noch einmal, wenn jemand gegangen ist, oder bitte den Host, ein weiteres Meeting zu starten.
problem-locked-text = Der Host hat es gesperrt: Niemand Neues kann beitreten. Bitte den Host, es zu entsperren, und versuch es dann noch einmal.
problem-removed-text = Der Host hat dich aus diesem Meeting genommen, und mit diesem Link kannst du nicht zurückkommen. Frag den Host, falls das ein Versehen war.
problem-denied-text = In dieses Meeting wird man einzeln eingelassen, und der Host hat deine Anfrage abgelehnt. Frag den Host, falls das ein Versehen war, und versuch es dann noch einmal.
problem-unreachable-text = Der Server hat nicht geantwortet oder ist gerade zu ausgelastet. Prüfe deine Verbindung und versuch es gleich noch einmal.
try-again = Erneut versuchen

## Lobby
lobby = Lobby
mic-level = Mikrofonpegel
camera-and-mic = Kamera und Mikrofon
your-name = Dein Name
meeting-password = Meeting-Passwort
join = Beitreten
joining = Beitritt läuft…
waiting-for-host = Warte, bis der Host dich hereinlässt…
stop-waiting = Warten beenden

## Meeting-Schutz (für den Host)
protection-locked-password = Meeting gesperrt und durch ein Passwort geschützt.
protection-locked = Meeting gesperrt: Niemand Neues kann beitreten.
protection-password = Meeting durch ein Passwort geschützt.
protection-heading = Meeting-Schutz
meeting-lock = Meeting sperren
meeting-unlock = Meeting entsperren
admit-manually = Personen manuell einlassen
new-password = Neues Meeting-Passwort
set-password = Passwort festlegen
remove-password = Passwort entfernen
confirm-remove-heading = { $name } entfernen?
confirm-remove-text = { $name } verlässt das Meeting sofort und kann mit diesem Link nicht zurückkommen.
remove = Entfernen
cancel = Abbrechen

## Personen
people-search = Person suchen
participants = Teilnehmende
people-none-found = Niemand mit diesem Namen.
host = Host
# $place ist der Platz der Hand in der Reihe: 1., 2., 3.…
people-hand-raised = Hand gehoben, { $place }.
people-lower-hand-of = Hand von { $name } senken
people-ask-to-unmute = { $name } bitten, das Mikrofon einzuschalten
people-remove = { $name } entfernen
ask-to-unmute = Bitten, das Mikrofon einzuschalten
mic-is-on = Mikrofon an
camera-is-on = Kamera an
waiting-to-join = Warten auf Einlass
admit = Einlassen
deny = Ablehnen
admit-name = { $name } einlassen
deny-name = { $name } ablehnen
admit-all = Alle einlassen

## Einladung
meeting-link = Meeting-Link
qr-alt = QR-Code des Meeting-Links
qr-hint = Scanne ihn mit einem Handy, um von dort beizutreten.

## Verbindungsstatistik (Einheiten folgen einer Zahl)
stats-for = Verbindungsstatistik für { $name }
stats-bitrate-in = Bitrate eingehend
stats-bitrate-out = Bitrate ausgehend
stats-rtt = Umlaufzeit
stats-loss = Paketverlust
stats-fps = Bildrate
stats-resolution = Auflösung
stats-kbps = kbit/s
stats-ms = ms
stats-percent = %
stats-fps-unit = fps
stats-lines = Zeilen

## Geräte
device-camera = Kamera
device-microphone = Mikrofon
device-speaker = Lautsprecher

## Startseite
home-tagline = Videomeetings auf deinem eigenen Server. Starte eins, teile den Link, rede los.
home-start = Meeting starten
home-start-failed = Meeting konnte nicht gestartet werden: { $error }
home-code = Meeting-Link oder -Code
home-join = Meeting beitreten
home-not-a-link = Das ist kein Meeting-Link: Ein Meeting-Code besteht aus 26 Buchstaben und Ziffern (a–z, 2–7).
not-found = Seite nicht gefunden
not-found-link = Zur Startseite

## Einstellungen
settings-language = Sprache
settings-shortcuts = Tastenkürzel
settings-noise = Rauschunterdrückung
settings-noise-hint = Filtert Hintergrundgeräusche (Tastatur, Lüfter, Verkehr) aus deinem Mikrofon, bevor es gesendet wird, in diesem Browser.
settings-noise-unavailable = Dieser Browser kann keine Hintergrundgeräusche filtern.
settings-mirror = Mein Video spiegeln
settings-mirror-hint = Nur du siehst deine Kamera gespiegelt; die anderen sehen sie unverändert.
shortcut-mic = Mikrofon stummschalten oder einschalten
shortcut-camera = Kamera aus- oder einschalten
shortcut-hand = Hand heben oder senken
shortcut-escape = Offenen Bereich schließen
settings-shortcuts-hint = Kürzel aus einer einzelnen Taste funktionieren, wenn kein Textfeld den Fokus hat. Schalte sie aus, wenn Spracheingabe oder eine barrierefreie Tastatur sie versehentlich auslöst.
