# Los textos de Confab en español: este archivo sigue a en.ftl, la referencia en inglés.
# Un mensaje por texto visible o nombre accesible; los ids se agrupan según dónde aparecen.
# Mismos ids y mismo orden que en.ftl: los cambios empiezan allí.

## Barra de controles
toolbar-label = Controles de la llamada
leave = Salir
screen-share = Compartir pantalla
screen-stop = Dejar de compartir
screen-share-short = Compartir
screen-stop-short = Detener
mic-mute = Silenciar micrófono
mic-unmute = Activar micrófono
mic-unavailable = Micrófono no disponible
mic-short = Micro
mic-mute-short = Silenciar
mic-unmute-short = Activar
camera-off = Apagar cámara
camera-on = Encender cámara
camera-unavailable = Cámara no disponible
camera-short = Cámara
toolbar-chat-name = { $unread ->
    [0] Chat
   *[other] Chat, { $unread } sin leer
}
toolbar-files-name = { $waiting ->
    [0] Archivos
   *[other] Archivos, { $waiting } en espera
}
toolbar-people-name = Personas{ $waiting ->
    [0] {""}
   *[other] , { $waiting } en espera
}{ $hands ->
    [0] {""}
    [one] , 1 mano levantada
   *[other] , { $hands } manos levantadas
}

## Paneles
panel-people = Personas
panel-chat = Chat
panel-files = Archivos
panel-devices = Dispositivos
panel-settings = Ajustes
panel-close-people = Cerrar personas
panel-close-chat = Cerrar chat
panel-close-files = Cerrar archivos
panel-close-devices = Cerrar dispositivos
panel-close-settings = Cerrar ajustes

## Manos levantadas y reacciones
hand-raise = Levantar la mano
hand-lower = Bajar la mano
hand-raise-short = Mano
hand-lower-short = Bajar
hand-raised = Mano levantada
reactions = Reacciones
reactions-picker = Enviar una reacción
reactions-sent = Reacciones enviadas
# $reaction es el id de la reacción; todo mensaje que nombra una reacción pasa por este.
reaction-name = { $reaction ->
    [thumbs_up] pulgar arriba
    [clap] aplausos
    [laugh] risas
    [heart] corazón
    [surprise] sorpresa
   *[celebrate] celebración
}
reaction-send = Enviar { reaction-name }
reaction-announced = { $who }: { reaction-name }

## La llamada
call-label = Llamada
you = Tú
you-preview = Tú (vista previa)
alone-heading = Aún no hay nadie más aquí
alone-text = Comparte este enlace con las personas que quieras en la reunión.
camera-is-off = Cámara apagada
mic-is-off = Micrófono apagado
tile-screen-share = {" "}(pantalla compartida)
tile-options = Opciones de { $name }
tile-pin = Fijar
tile-fullscreen = Pantalla completa
tile-picture-in-picture = Imagen en imagen
tile-statistics = Estadísticas de conexión
# $state es el nombre que da el navegador al estado de una conexión con otro participante.
tile-connection-state = {" "}({ $state ->
    [new] nueva
    [connecting] conectando
    [connected] conectada
    [disconnected] desconectada
    [failed] fallida
   *[closed] cerrada
})
tile-quality = Conexión { $quality ->
    [good] buena
    [fair] regular
   *[poor] mala
}
reconnecting = Reconectando con el servidor…
reconnecting-slow = Seguimos intentando contactar con el servidor… tu llamada continúa.

## Chat
chat-log = Mensajes del chat
chat-to = Enviar mensaje a
everyone = Todos
chat-message = Mensaje
chat-placeholder = Escribe un mensaje
chat-send = Enviar
chat-to-someone = {" "}para{" "}
chat-to-you = {" "}para ti
chat-private = Privado
chat-empty = Escribe un mensaje primero.
chat-too-long = Los mensajes pueden tener como máximo { $max } caracteres; este tiene { $chars }.
chat-recipient-gone = Esa persona ya no está en la llamada.
chat-flooding = { $name } está enviando mensajes demasiado rápido; se descartaron algunos.

## Errores que informa el servidor
error-bad-message = El servidor no pudo leer un mensaje de esta página.
error-room-full = Esta sala está llena.
error-already-joined = Ya te has unido a esta sala.
error-not-in-room = Ya no estás en esta sala.
error-unknown-peer = Esa persona ha salido de la sala.
error-peer-busy = Esa persona no da abasto; inténtalo de nuevo.
error-rate-limited = Esta página envió demasiados mensajes demasiado rápido; se descartaron algunos.
error-server-full = El servidor está lleno en este momento. Inténtalo de nuevo dentro de un minuto.
error-too-many-rooms = El servidor ya tiene todas las reuniones que puede albergar. Inténtalo más tarde.
error-password-required = Esta reunión necesita una contraseña.
error-wrong-password = Esa contraseña no es correcta.
error-too-many-guesses = Demasiadas contraseñas incorrectas para esta reunión. Espera un minuto e inténtalo de nuevo.
error-room-locked = El anfitrión ha bloqueado esta reunión: nadie nuevo puede unirse.
error-not-host = Solo el anfitrión de la reunión puede hacer eso.
error-removed = El anfitrión te ha expulsado de la reunión.
error-invalid = El servidor no pudo aceptar esa solicitud.
error-join-timeout = La conexión estuvo inactiva demasiado tiempo sin unirse.
error-source-limit = Tu red ya tiene en este servidor tantas reuniones o conexiones como se permiten. Cierra algunas e inténtalo de nuevo.
error-too-fast = Demasiadas veces en poco tiempo. Espera unos segundos e inténtalo de nuevo.
error-busy = El servidor está ocupado en este momento. Inténtalo de nuevo enseguida.
error-denied = El anfitrión no te dejó entrar.

## Avisos
toast-joined = { $name } se ha unido
toast-left = { $name } ha salido
toast-knocking = { $name } espera para entrar
toast-unmute-asked = El anfitrión te pide que actives el micrófono.
alert-closed-too-big = El servidor cerró la conexión: un mensaje era demasiado grande.
alert-closed = El servidor cerró la conexión. Quienes ya están en la llamada aún pueden verte y oírte.

## Archivos
files-to = Enviar archivos a
files-choose = Elegir archivos para enviar
files-drop = …o suelta los archivos aquí.{" "}
files-direct = Van directamente a los otros navegadores, nunca pasan por el servidor.
files-transfers = Transferencias
files-clear = Borrar las terminadas
file-to = { $file } para { $name }
file-from = { $file } de { $name }
file-to-peer = Para{" "}
file-from-peer = De{" "}
file-progress = Progreso de { $file }
file-accept = Aceptar
file-decline = Rechazar
file-cancel = Cancelar
file-save = Guardar
file-waiting-accept = Esperando a que { $name } acepte
file-offered = { $name } quiere enviarte este archivo
file-sent-unconfirmed = Enviado; esperando a que { $name } lo confirme
file-moving = { $figures }
file-moving-left = { $figures } · tiempo restante: { $time }
file-verified-sent = Verificado: entregado intacto (SHA-256 coincide)
file-verified-received = Verificado: recibido intacto (SHA-256 coincide)
file-corrupted = Error: el archivo llegó dañado (SHA-256 no coincide)
file-declined-by = { $name } lo rechazó
file-declined = Lo rechazaste
file-cancelled = Cancelado
file-cancelled-by = Cancelado por { $name }
file-failed = Error: { $why }
file-failed-call-ended = La llamada terminó.
file-failed-you-left = Saliste de la llamada antes de que terminara.
file-failed-not-connected = Ya no hay conexión con esa persona.
file-failed-checksum-unreadable = No se pudo leer la suma de comprobación enviada.
file-failed-closed-receiving = La conexión se cerró antes de que llegara el archivo completo.
file-failed-closed-sending = La conexión se cerró antes de que se enviara el archivo completo.
file-failed-store = El navegador no pudo guardar el archivo (¿está lleno el disco?).
file-failed-hash = Este navegador no pudo comprobar el archivo.
file-failed-ended-twice = El archivo terminó dos veces.
file-failed-not-stored = No se pudo guardar el archivo recibido.
file-failed-unreadable = No se pudo leer el archivo.
file-failed-server-lost = Se perdió la conexión con el servidor.
file-failed-peer-left = { $name } salió de la llamada antes de que terminara.
file-failed-connection-lost = Se perdió la conexión con { $name }.
file-failed-too-many-bytes = Llegaron más bytes de los que tiene el archivo.
file-failed-incomplete = El archivo llegó incompleto ({ $received } de { $size } bytes).
no-one-to-send-to = Todavía no hay nadie a quien enviar archivos.
files-need-direct-connections = Los archivos viajan directamente entre navegadores, y esta reunión conecta a todos a través del servidor: aquí todavía no se pueden enviar archivos.
time-unknown = desconocido
time-under-second = menos de un segundo
time-seconds = { $s } s
time-minutes = { $min } min y { $s } s
time-hours = { $h } h y { $min } min

## Cámara y micrófono
media-denied = La cámara y el micrófono están bloqueados. Aun así puedes unirte para ver y oír a los demás; permítelos en los ajustes del sitio del navegador para que te vean y te oigan.
media-not-found = No se encontró ninguna cámara ni micrófono. Aun así puedes unirte para ver y oír a los demás.
media-in-use = Otro programa está usando la cámara o el micrófono. Aun así puedes unirte para ver y oír a los demás.
media-insecure = Este navegador solo permite la cámara en una página segura (https).
media-other = No se pudieron iniciar la cámara y el micrófono ({ $error }). Aun así puedes unirte para ver y oír a los demás.
media-no-mic = No se pudo abrir ningún micrófono: conecta uno o permítelo en los ajustes del sitio del navegador.
media-no-camera = No se pudo abrir ninguna cámara: conecta una o permítela en los ajustes del sitio del navegador.

## La página de la reunión
call-load-failed = No se pudo cargar la llamada. Comprueba la conexión y pulsa Unirse de nuevo.
chat-not-in-call = No estás en la llamada.
link-copied = Enlace copiado
link-copy-failed = No se pudo copiar el enlace: selecciónalo y cópialo tú
copy-link = Copiar enlace
left-heading = Has salido de la reunión
rejoin = Volver a entrar
start-page = Página de inicio
invalid-link-heading = Este enlace de reunión no es válido
invalid-link-text = Revisa el enlace que te enviaron: puede que esté cortado o mal escrito.
start-new-meeting = Iniciar una reunión nueva

## Pantallas de problemas
problem-room-full = Esta reunión está llena
problem-locked = Esta reunión está bloqueada
problem-removed = Te han expulsado de la reunión
problem-denied = El anfitrión no te dejó entrar
problem-unreachable = Confab no puede contactar con el servidor
problem-room-full-text = Ya están dentro todas las personas que caben. Inténtalo de nuevo cuando alguien salga, o pide al anfitrión que inicie otra reunión.
problem-locked-text = El anfitrión la ha bloqueado: nadie nuevo puede unirse. Pide al anfitrión que la desbloquee y vuelve a intentarlo.
problem-removed-text = El anfitrión te sacó de esta reunión y no puedes volver con este enlace. Pregunta al anfitrión si fue un error.
problem-denied-text = En esta reunión se admite a las personas una a una, y el anfitrión rechazó tu solicitud. Pregunta al anfitrión si fue un error y vuelve a intentarlo.
problem-unreachable-text = El servidor no respondió o está demasiado ocupado ahora mismo. Comprueba tu conexión e inténtalo de nuevo en un momento.
try-again = Intentar de nuevo

## Sala de espera
lobby = Sala de espera
mic-level = Nivel del micrófono
camera-and-mic = Cámara y micrófono
your-name = Tu nombre
meeting-password = Contraseña de la reunión
join = Unirse
joining = Uniéndote…
waiting-for-host = Esperando a que el anfitrión te deje entrar…
stop-waiting = Dejar de esperar

## Protección de la reunión (el anfitrión)
protection-locked-password = Reunión bloqueada y protegida con contraseña.
protection-locked = Reunión bloqueada: nadie nuevo puede unirse.
protection-password = Reunión protegida con contraseña.
protection-heading = Protección de la reunión
meeting-lock = Bloquear reunión
meeting-unlock = Desbloquear reunión
admit-manually = Admitir a las personas manualmente
new-password = Nueva contraseña de la reunión
set-password = Establecer contraseña
remove-password = Quitar contraseña
confirm-remove-heading = ¿Expulsar a { $name }?
confirm-remove-text = { $name } saldrá de la reunión de inmediato y no podrá volver con este enlace.
remove = Expulsar
cancel = Cancelar

## Personas
people-search = Buscar participante
participants = Participantes
people-none-found = Nadie con ese nombre.
host = Anfitrión
# $place es el puesto de la mano en la fila: 1.º, 2.º, 3.º…
people-hand-raised = Mano levantada, { $place }.º
people-lower-hand-of = Bajar la mano de { $name }
people-ask-to-unmute = Pedir a { $name } que active el micrófono
people-remove = Expulsar a { $name }
ask-to-unmute = Pedir que active el micrófono
mic-is-on = Micrófono activado
camera-is-on = Cámara encendida
waiting-to-join = Esperando para entrar
admit = Admitir
deny = Rechazar
admit-name = Admitir a { $name }
deny-name = Rechazar a { $name }
admit-all = Admitir a todos

## Invitación
meeting-link = Enlace de la reunión
qr-alt = Código QR del enlace de la reunión
qr-hint = Escanéalo con un teléfono para unirte desde allí.

## Estadísticas de conexión (las unidades siguen a una cifra)
stats-for = Estadísticas de conexión de { $name }
stats-bitrate-in = Tasa de bits de entrada
stats-bitrate-out = Tasa de bits de salida
stats-rtt = Tiempo de ida y vuelta
stats-loss = Pérdida de paquetes
stats-fps = Frecuencia de fotogramas
stats-resolution = Resolución
stats-kbps = kbit/s
stats-ms = ms
stats-percent = %
stats-fps-unit = fps
stats-lines = líneas

## Dispositivos
device-camera = Cámara
device-microphone = Micrófono
device-speaker = Altavoz

## Página de inicio
home-tagline = Videorreuniones en tu propio servidor. Inicia una, comparte el enlace y habla.
home-start = Iniciar una reunión
home-start-failed = No se pudo iniciar una reunión: { $error }
home-code = Enlace o código de la reunión
home-join = Unirse a la reunión
home-not-a-link = Eso no es un enlace de reunión: un código de reunión tiene 26 letras y cifras (a–z, 2–7).
not-found = Página no encontrada
not-found-link = Ir a la página de inicio

## Ajustes
settings-language = Idioma
settings-shortcuts = Atajos de teclado
settings-noise = Supresión de ruido
settings-noise-hint = Filtra el ruido de fondo (teclado, ventilador, tráfico) de tu micrófono antes de enviarlo, en este navegador.
settings-noise-unavailable = Este navegador no puede filtrar el ruido de fondo.
settings-mirror = Ver mi video en espejo
settings-mirror-hint = Solo tú ves tu cámara en espejo; los demás la ven tal cual.
shortcut-mic = Silenciar o activar el micrófono
shortcut-camera = Apagar o encender la cámara
shortcut-hand = Levantar o bajar la mano
shortcut-escape = Cerrar el panel abierto
settings-shortcuts-hint = Los atajos de una sola tecla funcionan cuando ningún campo de texto tiene el foco. Desactívalos si la entrada por voz o un teclado accesible los pulsa sin querer.
