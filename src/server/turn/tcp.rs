//! TURN over TCP for browsers whose network blocks UDP: each TCP connection carries framed STUN
//! and ChannelData messages, which this adapter turns into packets from (and to) the
//! connection's address, so the engine treats TCP clients like UDP ones. Relaying to peers is
//! UDP either way.

use crate::server::lock;
use async_trait::async_trait;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Semaphore, mpsc};
use util::Conn;

/// A connection silent this long is closed (clients refresh allocations every few minutes).
const IDLE: Duration = Duration::from_secs(15 * 60);
/// Messages waiting to be written to one connection; more are dropped, as on a full UDP socket.
const WRITE_QUEUE: usize = 256;
/// Messages read from all connections waiting for the engine.
const READ_QUEUE: usize = 1024;

/// A TCP listener that looks like a packet socket.
pub struct StreamListener {
    local: SocketAddr,
    incoming: tokio::sync::Mutex<mpsc::Receiver<(Vec<u8>, SocketAddr)>>,
    writers: Arc<Mutex<HashMap<SocketAddr, mpsc::Sender<Vec<u8>>>>>,
}

impl StreamListener {
    /// Accepts up to `max_connections` TCP connections at once on `listener`.
    pub fn new(listener: TcpListener, max_connections: usize) -> std::io::Result<Self> {
        let local = listener.local_addr()?;
        let (tx, rx) = mpsc::channel(READ_QUEUE);
        let writers = Arc::new(Mutex::new(HashMap::new()));
        tokio::spawn(accept(
            listener,
            Arc::new(Semaphore::new(max_connections)),
            tx,
            Arc::clone(&writers),
        ));
        Ok(StreamListener {
            local,
            incoming: tokio::sync::Mutex::new(rx),
            writers,
        })
    }
}

async fn accept(
    listener: TcpListener,
    slots: Arc<Semaphore>,
    incoming: mpsc::Sender<(Vec<u8>, SocketAddr)>,
    writers: Arc<Mutex<HashMap<SocketAddr, mpsc::Sender<Vec<u8>>>>>,
) {
    loop {
        let Ok(permit) = Arc::clone(&slots).acquire_owned().await else {
            return;
        };
        let (stream, peer) = match listener.accept().await {
            Ok(accepted) => accepted,
            Err(error) => {
                tracing::debug!(%error, "TURN TCP accept failed");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        if incoming.is_closed() {
            return;
        }
        let _ = stream.set_nodelay(true);
        let (tx, rx) = mpsc::channel(WRITE_QUEUE);
        lock(&writers).insert(peer, tx);
        let incoming = incoming.clone();
        let writers = Arc::clone(&writers);
        tokio::spawn(async move {
            serve(stream, peer, incoming, rx).await;
            lock(&writers).remove(&peer);
            drop(permit);
        });
    }
}

/// Reads framed messages from one connection and writes what the engine sends to it.
async fn serve(
    stream: TcpStream,
    peer: SocketAddr,
    incoming: mpsc::Sender<(Vec<u8>, SocketAddr)>,
    mut outgoing: mpsc::Receiver<Vec<u8>>,
) {
    let (mut reader, mut writer) = stream.into_split();
    let write = async move {
        while let Some(frame) = outgoing.recv().await {
            if writer.write_all(&frame).await.is_err() {
                break;
            }
        }
    };
    let read = async move {
        loop {
            let frame = match tokio::time::timeout(IDLE, read_frame(&mut reader)).await {
                Ok(Ok(frame)) => frame,
                _ => break,
            };
            if incoming.send((frame, peer)).await.is_err() {
                break;
            }
        }
    };
    tokio::select! {
        _ = read => {},
        _ = write => {},
    }
}

/// One STUN message or ChannelData message (whose padding is read and dropped).
async fn read_frame(reader: &mut (impl AsyncReadExt + Unpin)) -> std::io::Result<Vec<u8>> {
    let mut header = [0u8; 4];
    reader.read_exact(&mut header).await?;
    let length = usize::from(u16::from_be_bytes([header[2], header[3]]));
    let (size, padded) = match header[0] {
        0x00..=0x3f => (20 + length, 20 + length),
        0x40..=0x7f => (4 + length, (4 + length).next_multiple_of(4)),
        _ => {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                "neither STUN nor ChannelData",
            ));
        }
    };
    let mut frame = vec![0u8; padded];
    frame[..4].copy_from_slice(&header);
    reader.read_exact(&mut frame[4..]).await?;
    frame.truncate(size);
    Ok(frame)
}

#[async_trait]
impl Conn for StreamListener {
    async fn connect(&self, _addr: SocketAddr) -> util::Result<()> {
        Err(util::Error::Other("a listener does not connect".into()))
    }

    async fn recv(&self, buf: &mut [u8]) -> util::Result<usize> {
        Ok(self.recv_from(buf).await?.0)
    }

    async fn recv_from(&self, buf: &mut [u8]) -> util::Result<(usize, SocketAddr)> {
        let mut incoming = self.incoming.lock().await;
        loop {
            let Some((frame, from)) = incoming.recv().await else {
                return Err(util::Error::ErrClosedListener);
            };
            // Larger than the engine's buffer: not a message a TURN client sends.
            if frame.len() <= buf.len() {
                buf[..frame.len()].copy_from_slice(&frame);
                return Ok((frame.len(), from));
            }
        }
    }

    async fn send(&self, _buf: &[u8]) -> util::Result<usize> {
        Err(util::Error::Other("a listener sends with send_to".into()))
    }

    async fn send_to(&self, buf: &[u8], target: SocketAddr) -> util::Result<usize> {
        let Some(writer) = lock(&self.writers).get(&target).cloned() else {
            return Ok(buf.len());
        };
        let mut frame = buf.to_vec();
        if matches!(buf.first(), Some(0x40..=0x7f)) {
            frame.resize(buf.len().next_multiple_of(4), 0);
        }
        let _ = writer.try_send(frame);
        Ok(buf.len())
    }

    fn local_addr(&self) -> util::Result<SocketAddr> {
        Ok(self.local)
    }

    fn remote_addr(&self) -> Option<SocketAddr> {
        None
    }

    async fn close(&self) -> util::Result<()> {
        self.incoming.lock().await.close();
        Ok(())
    }

    fn as_any(&self) -> &(dyn std::any::Any + Send + Sync) {
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn frames_are_split_at_message_boundaries_and_channel_padding_dropped() {
        let stun = {
            let mut m = vec![0x00, 0x01, 0x00, 0x04, 0x21, 0x12, 0xa4, 0x42];
            m.extend([7u8; 12]); // transaction id
            m.extend([1, 2, 3, 4]); // one 4-byte attribute's worth of body
            m
        };
        let channel = vec![0x40, 0x00, 0x00, 0x03, 9, 9, 9, 0]; // 3 bytes + 1 padding
        let mut stream: Vec<u8> = Vec::new();
        stream.extend(&stun);
        stream.extend(&channel);
        stream.extend(&stun);
        let mut reader = stream.as_slice();
        assert_eq!(read_frame(&mut reader).await.unwrap(), stun);
        assert_eq!(read_frame(&mut reader).await.unwrap(), channel[..7]);
        assert_eq!(read_frame(&mut reader).await.unwrap(), stun);
        assert!(read_frame(&mut reader).await.is_err(), "end of stream");
    }

    #[tokio::test]
    async fn anything_else_ends_the_connection() {
        let mut reader: &[u8] = &[0x80, 0, 0, 0, 1, 2, 3, 4];
        let error = read_frame(&mut reader).await.unwrap_err();
        assert_eq!(error.kind(), std::io::ErrorKind::InvalidData);
    }
}
