// Kintsugi identify page (issue 14, "Private by design"): reads the chosen
// files in the browser and sends only what identification needs: each
// file's name and size, its first and last 64 KB (the head and tail the
// engine reads, limits.h kFileHeadBytes/kFileTailBytes), the note's text and
// the contacts. Never a whole file larger than 64 KB. The form then posts
// that evidence to the result page, which the server renders in the page's
// language. Without JavaScript the form still works with typed names.
'use strict';
(function () {
  const HEAD = 64 * 1024;
  const TAIL = 64 * 1024;
  const MAX_FILES = 64;
  document.documentElement.classList.add('js');

  function base64(buffer) {
    const bytes = new Uint8Array(buffer);
    let text = '';
    for (let i = 0; i < bytes.length; i += 0x8000) {
      text += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
    }
    return btoa(text);
  }

  async function describe(file) {
    const entry = { name: file.name, size: file.size };
    entry.head = base64(await file.slice(0, Math.min(file.size, HEAD)).arrayBuffer());
    if (file.size > HEAD) {
      entry.tail = base64(await file.slice(Math.max(HEAD, file.size - TAIL)).arrayBuffer());
    }
    return entry;
  }

  function lines(text) {
    return text.split('\n').map((l) => l.trim()).filter((l) => l.length > 0);
  }

  document.addEventListener('DOMContentLoaded', () => {
    const form = document.getElementById('identify');
    if (!form) return;
    const status = document.getElementById('status');
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const files = Array.from(document.getElementById('files').files).slice(0, MAX_FILES);
      const note = document.getElementById('note').value;
      const contacts = lines(document.getElementById('contacts').value);
      if (files.length === 0 && note.trim() === '' && contacts.length === 0) {
        status.textContent = form.dataset.nothing;
        return;
      }
      status.textContent = form.dataset.working;
      try {
        const evidence = { files: [], notes: [], contacts: contacts };
        for (const file of files) evidence.files.push(await describe(file));
        if (note.trim() !== '') evidence.notes.push({ name: 'note.txt', text: note });
        document.getElementById('evidence').value = JSON.stringify(evidence);
        // Only the evidence field travels: the others are in it already.
        for (const id of ['note', 'contacts', 'names']) {
          document.getElementById(id).disabled = true;
        }
        form.submit();
        for (const id of ['note', 'contacts', 'names']) {
          document.getElementById(id).disabled = false;
        }
      } catch (e) {
        status.textContent = form.dataset.failed;
      }
    });
  });
})();
