print("trin")
