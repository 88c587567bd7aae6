from declic.cli import main

main()
