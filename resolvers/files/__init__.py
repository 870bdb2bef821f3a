"""Files clients hand over, uploads, downloads, cloud transfer and the file-system check."""
